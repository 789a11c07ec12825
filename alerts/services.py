"""Alert workflows: subscribing, matching new postings, sending mails, and the address's data."""

import hashlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from jobboard import ratelimit
from jobboard.metrics import ALERT_MAILS as MAILS
from jobboard.tasks import enqueue
from postings.models import Category, Posting
from postings.selectors import facet_filters, filter_postings
from postings.templatetags.jobboard import salary

from .forms import describe, parse_query
from .models import Alert, AlertMatch, Subscriber

logger = logging.getLogger(__name__)

DIGEST_SIZE = 20


class TemporaryMailError(Exception):
    """The mail server asked to try again later (4xx) or could not be reached."""


class Bounced(Exception):
    """The mail server refused the recipient for good (5xx): the address does not work."""


# Subscribing


def inbox(email: str) -> str:
    """One inbox's address under all its spellings: case, and a `+tag` that mail servers
    deliver to the same inbox."""
    local, _, domain = email.lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def allow_subscription(*, email: str, ip: str) -> bool:
    """Per inbox (the confirmation mails it gets, whatever the spelling of its address) and per
    client address."""
    address = hashlib.sha256(inbox(email).encode()).hexdigest()
    by_address = ratelimit.hit(f"alerts:rate:email:{address}", settings.ALERT_RATE_LIMIT_EMAIL)
    by_ip = ratelimit.hit(f"alerts:rate:ip:{ip}", settings.ALERT_RATE_LIMIT_IP)
    return by_address and by_ip


def subscribe(*, email: str, language: str, query: str, frequency: str) -> Alert:
    """Records the search for the address and mails a confirmation, whatever the address's
    state: the caller's answer must not tell a known address from a new one. A confirmed
    alert keeps its frequency (only its manage page changes it)."""
    from . import tasks

    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email__iexact=email, defaults={"email": email}
        )
        alert, created = Alert.objects.get_or_create(
            subscriber=subscriber,
            language=language,
            query=query,
            defaults={"frequency": frequency},
        )
        if not created and alert.confirmed_at is None and alert.frequency != frequency:
            alert.frequency = frequency
            alert.save(update_fields=["frequency"])
        # No sweep sends a lost one: while the broker is down the page still answers, and
        # subscribing again sends the confirmation.
        transaction.on_commit(lambda: enqueue(tasks.send_confirmation, alert.pk))
    return alert


def purge_unconfirmed(*, now=None) -> int:
    """Forgets the alerts never confirmed in time, and addresses left with nothing."""
    now = now or timezone.now()
    deadline = now - timedelta(days=settings.ALERT_CONFIRM_DAYS)
    deleted, _ = Alert.objects.filter(confirmed_at__isnull=True, created_at__lt=deadline).delete()
    Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=deadline, alerts__isnull=True
    ).delete()
    return deleted


def purge_matches() -> int:
    """Forgets the matches nothing needs any more: sent ones whose posting matching can no
    longer find again (published before the alert's high-water mark, less the grace), and
    those of an alert or a posting deleted while a sweep was recording them."""
    grace = timedelta(seconds=settings.ALERT_MATCH_GRACE_SECONDS)
    spent, _ = AlertMatch.objects.filter(
        sent_at__isnull=False, posting__published_at__lt=F("alert__high_water") - grace
    ).delete()
    orphaned, _ = AlertMatch.objects.filter(
        ~Exists(Alert.objects.filter(pk=OuterRef("alert_id")))
        | ~Exists(Posting.objects.filter(pk=OuterRef("posting_id")))
    ).delete()
    return spent + orphaned


# Mails


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    # Refused or reset connections, timeouts, unknown hosts (smtplib's errors are OSErrors
    # too, and were sorted above).
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _message(template: str, context: dict, *, to: str, headers: dict | None = None):
    subject = render_to_string(f"alerts/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"alerts/email/{template}_body.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}_body.html", context), "text/html"
    )
    return message


def _send(message: EmailMultiAlternatives, connection: BaseEmailBackend) -> bool:
    """True once the server accepted it. A temporary failure raises TemporaryMailError for a
    retry; a refused recipient raises Bounced; another permanent failure (the message refused)
    is logged, since retrying cannot help."""
    try:
        connection.send_messages([message])
    except Exception as error:
        if _is_temporary(error):
            MAILS.labels("deferred").inc()
            raise TemporaryMailError(str(error)) from error
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            MAILS.labels("bounced").inc()
            logger.warning("alert mail to %s bounced: %s", message.to, error)
            raise Bounced(str(error)) from error
        if isinstance(error, smtplib.SMTPException):
            MAILS.labels("refused").inc()
            logger.warning("alert mail to %s refused: %s", message.to, error)
            return False
        raise
    MAILS.labels("sent").inc()
    return True


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
            "search": describe(
                parse_query(alert.query, categories), categories, free_text=False
            ),
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
            self.searches[key] = describe(filters, self.categories)
        return self.searches[key]

    def card(self, posting: Posting) -> dict:
        """A posting as a mail shows it, in the active language (the posting's own)."""
        if posting.pk not in self.cards:
            self.cards[posting.pk] = {
                "title": posting.title,
                "company": posting.company.name,
                "place": ", ".join(filter(None, [posting.city, str(posting.country.name)])),
                "type": posting.get_employment_type_display(),
                "salary": salary(posting),
                "published": date_format(timezone.localtime(posting.published_at)),
                "url": settings.SITE_URL + posting.get_absolute_url(),
            }
        return self.cards[posting.pk]


def _alert_message(alert: Alert, postings: list[Posting], renderings: _Renderings):
    with translation.override(alert.language):
        context = {
            "alert": alert,
            "search": renderings.search(alert),
            "postings": [renderings.card(posting) for posting in postings[:DIGEST_SIZE]],
            "more": max(0, len(postings) - DIGEST_SIZE),
            "count": len(postings),
            "list_url": alert.list_url(),
            "manage_url": alert.subscriber.manage_url(alert.language),
            "unsubscribe_url": alert.unsubscribe_url(),
            "site_url": settings.SITE_URL,
        }
        return _message("alert", context, to=alert.subscriber.email, headers=_list_headers(alert))


def send_alert(
    *, alert_id: int, mail_connection: BaseEmailBackend, renderings: _Renderings
) -> bool:
    """Mails the alert's unsent matches, at most once.

    Exactly once, by the database: the alert row is locked (a second run of the same batch
    skips it rather than wait), its state is read again under the lock (an unsubscribe or a
    pause committed before this moment stops the mail), and its matches are marked sent in the
    transaction that sends them. A failed send rolls the marks back, so a retry sends what was
    not sent; a committed send leaves nothing to send again. Only a crash between the server's
    "250 OK" and the commit could repeat a mail."""
    now = timezone.now()
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber")
            .filter(pk=alert_id)
            .first()
        )
        if (
            alert is None
            or not Alert.objects.filter(pk=alert_id).due(alert.frequency, now=now).exists()
        ):
            return False
        unsent = AlertMatch.objects.filter(alert=alert, sent_at__isnull=True)
        posting_ids = list(unsent.values_list("posting_id", flat=True))
        if not posting_ids:
            return False
        # Postings closed or expired since they matched are left out, and their matches spent.
        postings = list(
            Posting.objects.live()
            .filter(pk__in=posting_ids)
            .select_related("company")
            .order_by("-published_at", "-id")
        )
        # Only what was read: a match recorded meanwhile goes with the next mail.
        unsent.filter(posting_id__in=posting_ids).update(sent_at=now)
        if not postings:
            return False
        try:
            sent = _send(_alert_message(alert, postings, renderings), mail_connection)
        except Bounced:
            _bounced(alert.subscriber)  # its matches stay spent: they are not sent later
            return False
        alert.last_sent_at = now
        alert.save(update_fields=["last_sent_at"])
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
        if _is_temporary(error):
            raise TemporaryMailError(str(error)) from error
        raise
    return sent


# Matching


def match_alerts(*, frequency: str, now=None) -> int:
    """Finds the postings published since each alert's high-water mark that match its search,
    and records them once (the unique constraint decides); the number of new matches.

    Set-based: alerts sharing a search (language and query) are matched together, by the list
    page's own filter code run once per distinct search over the new postings only, and the
    matches written by one INSERT ... SELECT. The time grows with the distinct searches and the
    matches, not with alerts times postings."""
    now = now or timezone.now()
    # A posting committed a little after its publication moment must not fall between two
    # sweeps: each sweep looks back this far again; the constraint drops what was found before.
    grace = timedelta(seconds=settings.ALERT_MATCH_GRACE_SECONDS)
    categories = list(Category.objects.all())
    groups = (
        Alert.objects.active()
        .filter(frequency=frequency)
        .values("language", "query")
        .annotate(since=Min("high_water"), ids=ArrayAgg("id"))
        .order_by()
    )
    created = 0
    for group in groups:
        with translation.override(group["language"]):
            filters = parse_query(group["query"], categories)
            postings = (
                filter_postings(filters, facet_filters(filters, categories))
                .filter(published_at__gt=group["since"] - grace, published_at__lte=now)
                .order_by()
                .values("id", "published_at")
            )
            sql, params = postings.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            # Interpolated: Django's own SQL for the postings; every value is a parameter.
            cursor.execute(
                f"""
                INSERT INTO alerts_alertmatch (alert_id, posting_id, created_at)
                SELECT a.id, p.id, %s
                FROM alerts_alert a
                JOIN ({sql}) p ON p.published_at > greatest(a.confirmed_at, a.high_water - %s)
                WHERE a.id = ANY(%s)
                ON CONFLICT (alert_id, posting_id) DO NOTHING
                """,  # noqa: S608
                [now, *params, grace, group["ids"]],
            )
            created += cursor.rowcount
            Alert.objects.filter(pk__in=group["ids"]).update(high_water=now)
    return created


def sweep(*, frequency: str, batch_size: int | None = None) -> list[list[int]]:
    """Matches the alerts of `frequency`, and returns the due ones with something to send, in
    batches for the senders."""
    now = timezone.now()
    match_alerts(frequency=frequency, now=now)
    unsent = AlertMatch.objects.filter(alert=OuterRef("pk"), sent_at__isnull=True)
    ids = list(
        Alert.objects.due(frequency, now=now)
        .filter(Exists(unsent))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = batch_size or settings.ALERT_SEND_BATCH
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# The address's own data


def unsubscribe(*, alert_id: int) -> None:
    """Waits for a mail being sent to the alert (its row lock), so nothing follows it."""
    Alert.objects.filter(pk=alert_id).delete()


def export(*, subscriber: Subscriber) -> dict:
    """Everything stored about the address."""
    alerts = subscriber.alerts.prefetch_related("matches")
    return {
        "email": subscriber.email,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
        "bounced_at": subscriber.bounced_at and subscriber.bounced_at.isoformat(),
        "alerts": [
            {
                "language": alert.language,
                "search": alert.query,
                "frequency": alert.frequency,
                "paused": alert.paused,
                "created_at": alert.created_at.isoformat(),
                "confirmed_at": alert.confirmed_at and alert.confirmed_at.isoformat(),
                "matched_up_to": alert.high_water and alert.high_water.isoformat(),
                "last_sent_at": alert.last_sent_at and alert.last_sent_at.isoformat(),
                "matches": [
                    {
                        "posting": match.posting_id,
                        "found_at": match.created_at.isoformat(),
                        "sent_at": match.sent_at and match.sent_at.isoformat(),
                    }
                    for match in alert.matches.all()
                ],
            }
            for alert in alerts
        ],
    }
