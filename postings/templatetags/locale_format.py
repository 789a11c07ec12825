"""{{ count|number }} and {{ words|quoted }}: the visitor's language's way of writing them."""

from django import template

from .. import formatting

register = template.Library()

number = register.filter("number", formatting.number)
quoted = register.filter("quoted", formatting.quoted)
