"""The one way the site sends mail. A temporary failure (a 4xx answer, a server that cannot be
reached) raises TemporaryMailError, for the task to try again later; a permanent one (5xx) is
logged and not tried again, since it would fail the same way. Mails are template sets (subject,
text, HTML), rendered in the recipient's language and signed with the site's name in it."""

import logging
import re
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from prometheus_client import Counter

from .metrics import MAILS

logger = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """A rendered subject on one line. Only ASCII whitespace is folded: the no-break spaces of
    French typography ("offre\u00a0: …") stay."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


class TemporaryMailError(Exception):
    """The mail server asked to try again later (4xx) or could not be reached."""


class Bounced(Exception):
    """The mail server refused the recipient for good (5xx): the address does not work."""


def is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    # Refused or reset connections, timeouts, unknown hosts (smtplib's errors are OSErrors
    # too, and were sorted above).
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def send(
    message: EmailMultiAlternatives,
    connection: BaseEmailBackend,
    *,
    outcomes: Counter,
    what: str = "mail",
) -> bool:
    """True once the server accepted it. A temporary failure raises TemporaryMailError for a
    retry; a refused recipient raises Bounced; another permanent failure (the message refused)
    is logged, since retrying cannot help. `outcomes` counts each by its label (sent, deferred,
    bounced, refused)."""
    try:
        connection.send_messages([message])
    except Exception as error:
        if is_temporary(error):
            outcomes.labels("deferred").inc()
            raise TemporaryMailError(str(error)) from error
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            outcomes.labels("bounced").inc()
            logger.warning("%s to %s bounced: %s", what, message.to, error)
            raise Bounced(str(error)) from error
        if isinstance(error, smtplib.SMTPException):
            outcomes.labels("refused").inc()
            logger.warning("%s to %s refused: %s", what, message.to, error)
            return False
        raise
    outcomes.labels("sent").inc()
    return True


def sender() -> str:
    """DEFAULT_FROM_EMAIL's address under the site's name in the active language."""
    return formataddr((gettext("Job board"), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def send_template_mail(
    template: str, context: dict[str, object], *, to: str, language: str
) -> bool:
    """Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` to `to`: True once
    sent, False when the server refused it for good; TemporaryMailError for a retry."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = one_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        from_email = sender()
    message = EmailMultiAlternatives(subject, text, from_email, to=[to])
    message.attach_alternative(html, "text/html")
    try:
        with get_connection() as connection:
            return send(message, connection, outcomes=MAILS, what=template)
    except Bounced:
        return False
    except OSError as error:  # opening or closing the connection
        if is_temporary(error):
            raise TemporaryMailError(str(error)) from error
        raise
