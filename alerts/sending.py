"""Alert mails: the confirmation, and each alert's new postings, claimed, sent and recorded
exactly once."""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from jobboard import mail
from jobboard.mail import Bounced, TemporaryMailError, one_line
from postings.models import Category, Posting
from postings.templatetags.jobboard import salary

from .forms import describe, parse_query
from .metrics import ALERT_MAILS as MAILS
from .models import Alert, AlertMatch, Subscriber

logger = logging.getLogger(__name__)


def _message(template: str, context: dict, *, to: str, headers: dict | None = None):
    subject = render_to_string(f"alerts/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"alerts/email/{template}_body.txt", context),
        from_email=mail.sender(),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}_body.html", context), "text/html"
    )
    return message


def _send(message: EmailMultiAlternatives, connection: BaseEmailBackend) -> bool:
    return mail.send(message, connection, outcomes=MAILS, what="alert mail")


def _bounced(subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).update(bounced_at=timezone.now())


def send_confirmation(*, alert: Alert) -> None:
    """The only mail an unconfirmed address ever gets."""
    categories = list(Category.objects.all())
    with translation.override(alert.language):
        context = {
            "alert": alert,
            # Nothing the visitor wrote goes to an address that has not confirmed yet: it
            # would carry a stranger's text (a phishing line) in our name.
            "search": describe(parse_query(alert.query, categories), free_text=False),
            "confirm_url": alert.confirm_url(),
            "days": settings.ALERT_CONFIRM_DAYS,
        }
        message = _message("confirm", context, to=alert.subscriber.email)
    with get_connection() as mail_connection:
        try:
            _send(message, mail_connection)
        except Bounced:
            _bounced(alert.subscriber)


def _list_headers(alert: Alert) -> dict[str, str]:
    url = alert.unsubscribe_url()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    host = urlsplit(settings.SITE_URL).hostname
    return {
        "List-Unsubscribe": (
            f"<{url}>, <mailto:{settings.ALERT_UNSUBSCRIBE_EMAIL}?subject=unsubscribe%20{token}>"
        ),
        # RFC 8058: a bare POST to the URL unsubscribes, without a visit.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<alerts.{host}>",
    }


@dataclass
class _Renderings:
    """What the mails of one batch share, worked out once: popular searches send the same
    postings to many addresses."""

    categories: list[Category]
    cards: dict[int, dict] = field(default_factory=dict)
    searches: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def search(self, alert: Alert) -> list[str]:
        key = (alert.language, alert.query)
        if key not in self.searches:
            filters = parse_query(alert.query, self.categories)
            self.searches[key] = describe(filters)
        return self.searches[key]

    def card(self, posting: Posting) -> dict:
        """A posting as a mail shows it, in the active language (the posting's own)."""
        if posting.pk not in self.cards:
            # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
            country = str(posting.country.name)  # type: ignore[attr-defined]
            self.cards[posting.pk] = {
                "title": posting.title,
                "company": posting.company.name,
                "place": ", ".join(filter(None, [posting.city, country])),
                "type": posting.get_employment_type_display(),
                "salary": salary(posting),
                "published": date_format(timezone.localtime(posting.published_at)),
                "url": settings.SITE_URL + posting.get_absolute_url(),
            }
        return self.cards[posting.pk]


def _alert_message(alert: Alert, postings: list[Posting], more: int, renderings: _Renderings):
    with translation.override(alert.language):
        context = {
            "alert": alert,
            "search": renderings.search(alert),
            "postings": [renderings.card(posting) for posting in postings],
            "more": more,
            "count": len(postings) + more,
            "list_url": alert.list_url(),
            "manage_url": alert.subscriber.manage_url(alert.language),
            "unsubscribe_url": alert.unsubscribe_url(),
            "site_url": settings.SITE_URL,
        }
        return _message("alert", context, to=alert.subscriber.email, headers=_list_headers(alert))


@dataclass
class _Claim:
    alert: Alert
    at: datetime
    postings: list[Posting]
    more: int  # what the mail counts without showing


def _claim(*, alert_id: int, now: datetime) -> _Claim | None:
    """Takes the alert's unsent matches for one mail, in a short transaction: they are marked
    sent at the claim's moment, which `claimed_at` records. A claim older than a sending task
    may live belongs to a dead task: what it took is unsent again, and taken anew."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(pk=alert_id)
            .first()
        )
        # Read again under the lock: an unsubscribe or a pause committed before this moment
        # stops the mail.
        if (
            alert is None
            or not Alert.objects.filter(pk=alert_id).due(alert.frequency, now=now).exists()
        ):
            return None
        matches = AlertMatch.objects.filter(alert=alert)
        if alert.claimed_at is not None:
            abandoned = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
            if alert.claimed_at > abandoned:
                return None  # another sender is mailing it
            matches.filter(sent_at=alert.claimed_at).update(sent_at=None)
        unsent = matches.filter(sent_at__isnull=True)
        posting_ids = list(unsent.values_list("posting_id", flat=True))
        # Postings closed or expired since they matched are left out, and their matches spent.
        postings = list(
            Posting.objects.live()
            .filter(pk__in=posting_ids)
            .select_related("company")
            .order_by("-published_at", "-id")
        )
        # Only what was read: a match recorded meanwhile goes with the next mail.
        unsent.filter(posting_id__in=posting_ids).update(sent_at=now)
        alert.claimed_at = now if postings else None
        alert.save(update_fields=["claimed_at"])
    if not postings:
        return None
    size = settings.ALERT_MAIL_POSTINGS
    return _Claim(alert, now, postings[:size], alert.more + max(0, len(postings) - size))


def _settle(claim: _Claim, *, sent: bool) -> None:
    """The claim's matches stay spent; its count is spent too, so the next mail counts only
    what was found after it."""
    # alert.more is the count as claimed; matching may have added to it since.
    changes: dict = {"claimed_at": None, "more": F("more") - claim.alert.more}
    if sent:
        changes["last_sent_at"] = claim.at
    Alert.objects.filter(pk=claim.alert.pk, claimed_at=claim.at).update(**changes)


# How long a sender whose mail the server accepted keeps trying to record it while the
# database does not answer (a restart, a failover). The mail has left: a claim left unrecorded
# is taken again once it looks abandoned (CELERY_TASK_TIME_LIMIT), and the mail sent twice.
# Well under the task's soft time limit, since a batch waits at most once (its next claim
# needs the database too).
_RECORD_PATIENCE_SECONDS = 60


def _record(claim: _Claim, *, sent: bool) -> None:
    deadline = time.monotonic() + _RECORD_PATIENCE_SECONDS
    while True:
        try:
            _settle(claim, sent=sent)
            return
        except (OperationalError, InterfaceError):
            # Inside a caller's transaction, a new connection would not be in it.
            if connection.in_atomic_block or time.monotonic() > deadline:
                logger.error(
                    "alert %s was mailed but could not be recorded: the sweep mails it again "
                    "once its claim looks abandoned",
                    claim.alert.pk,
                )
                raise
            # The server dropped it; the pool checks the next one before lending it.
            connection.close()
            time.sleep(1)


def _give_back(claim: _Claim) -> None:
    """The mail did not leave: its matches are unsent again, for a retry."""
    with transaction.atomic():
        AlertMatch.objects.filter(alert=claim.alert, sent_at=claim.at).update(sent_at=None)
        Alert.objects.filter(pk=claim.alert.pk, claimed_at=claim.at).update(claimed_at=None)


def send_alert(
    *, alert_id: int, mail_connection: BaseEmailBackend, renderings: _Renderings
) -> bool:
    """Mails the alert's unsent matches, at most once.

    Claim, commit, send, record: the database is never held while the mail server answers
    (a stuck server would hold row locks, and every unsubscribe waiting on them). Exactly
    once, by the claim: a second run of the same batch finds the matches taken and the alert
    claimed; a temporary failure gives them back for the retry; a sender that dies leaves a
    claim that is taken again once it is older than a sending task may live. The record is
    tried again while the database is out for a moment (`_record`). Only a crash between
    the server's "250 OK" and the record, or a database out for longer than a minute at that
    moment, could repeat a mail."""
    claim = _claim(alert_id=alert_id, now=timezone.now())
    if claim is None:
        return False
    message = _alert_message(claim.alert, claim.postings, claim.more, renderings)
    try:
        sent = _send(message, mail_connection)
    except TemporaryMailError:
        _give_back(claim)
        raise
    except Bounced:
        _bounced(claim.alert.subscriber)  # its matches stay spent: they are not sent later
        sent = False
    _record(claim, sent=sent)
    return sent


def send_alerts(*, alert_ids: list[int]) -> int:
    """One batch through one SMTP connection; the number of mails sent."""
    renderings = _Renderings(categories=list(Category.objects.all()))
    sent = 0
    try:
        with get_connection() as mail_connection:
            for alert_id in alert_ids:
                sent += send_alert(
                    alert_id=alert_id, mail_connection=mail_connection, renderings=renderings
                )
    except OSError as error:  # opening or closing the connection
        if mail.is_temporary(error):
            raise TemporaryMailError(str(error)) from error
        raise
    return sent
