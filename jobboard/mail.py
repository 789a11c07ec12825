"""Mails as template sets (subject, text, HTML), rendered in the recipient's language."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def one_line(text: str) -> str:
    """A rendered subject on one line. Only ASCII whitespace is folded: the no-break spaces of
    French typography ("offre\u00a0: …") stay."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def send_template_mail(template: str, context: dict, *, to: str, language: str) -> None:
    """Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` to `to`."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = one_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
