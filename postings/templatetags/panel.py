from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(n: int) -> str:
    """A count in the active language's number format: "40.155" in German, "40,155" in English."""
    return number_format(n, force_grouping=True)
