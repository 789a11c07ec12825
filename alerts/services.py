"""Alert workflows: subscribing, matching new postings, sending mails, and the address's data."""

import hashlib
import logging
import time
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from jobboard import mail, ratelimit
from jobboard.mail import Bounced, TemporaryMailError
from jobboard.tasks import enqueue
from postings.models import Category, Posting
from postings.selectors import matching
from postings.templatetags.jobboard import salary

from .forms import describe, parse_query
from .metrics import ALERT_MAILS as MAILS
from .models import Alert, AlertMatch, Subscriber

logger = logging.getLogger(__name__)


# Subscribing


def inbox(email: str) -> str:
    """One inbox's address under all its spellings: case (folded as the database and Django
    compare addresses: "ſ" is "s"), and a `+tag` that mail servers deliver to the same inbox."""
    local, _, domain = unicodedata.normalize("NFKC", email).casefold().rpartition("@")
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
        transaction.on_commit(lambda: enqueue("alerts.tasks.send_confirmation", alert.pk))
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


# Matching


def _window_start(grace: timedelta) -> Greatest:
    """Where an alert's next matching starts: its confirmation, its high-water mark less the
    grace (postings committed a little after their publication moment must not fall between
    two sweeps), and never before what it has counted already."""
    return Greatest("confirmed_at", F("high_water") - grace, "counted_up_to")


# The postings a batch of matching holds in memory at most, over its searches (some 300 bytes
# each, with their index).
_BATCH_POSTINGS = 200_000


def match_alerts(*, frequency: str, now: datetime | None = None) -> int:
    """Finds the postings published since each alert's last matching that match its search,
    and records at most what its next mail shows (ALERT_MAIL_POSTINGS, the newest), counting
    the rest; the number of matches recorded.

    Alerts sharing a search (language and query) are matched together: the list page's own
    filter code runs once per distinct search over the new postings only. The alerts are then
    recorded in batches of ALERT_MATCH_BATCH, each its own short transaction, so that the time
    grows with the distinct searches and the alerts, the rows written with what the mails
    show, and no transaction with the size of an import."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.ALERT_MATCH_GRACE_SECONDS)
    categories = list(Category.objects.all())
    groups = (
        Alert.objects.active()
        .filter(frequency=frequency)
        .values("language", "query")
        .annotate(since=Min(_window_start(grace)), ids=ArrayAgg("id", order_by="id"))
        .order_by("language", "query")
    )
    size = settings.ALERT_MATCH_BATCH
    created = alerts = postings = 0
    batch: list[tuple[list[int], _Found]] = []
    for group in groups:
        # Dates from published_at__gt: none is missing.
        found = cast(
            list[tuple[int, datetime]],
            list(
                matching(group["language"], parse_query(group["query"], categories))
                .filter(published_at__gt=group["since"], published_at__lte=now)
                .values_list("id", "published_at")
            ),
        )
        search = _Found(found, since=group["since"])
        ids = group["ids"]
        # Small searches share a batch (a commit per search would cost more than their
        # rows), a large one is split.
        while ids:
            batch.append((ids[: size - alerts], search))
            alerts, postings = alerts + len(batch[-1][0]), postings + len(search.ids)
            ids = ids[len(batch[-1][0]) :]
            if alerts == size or postings >= _BATCH_POSTINGS:
                created += _record_matches(batch=batch, now=now, grace=grace)
                batch, alerts, postings = [], 0, 0
    if batch:
        created += _record_matches(batch=batch, now=now, grace=grace)
    return created


class _Found:
    """The postings of one search, newest first, with what finding an alert's share of them
    needs."""

    def __init__(self, postings: list[tuple[int, datetime]], *, since: datetime) -> None:
        self.since = since  # they are published after it
        self.ids = [posting_id for posting_id, _published in postings]
        self.position = {posting_id: index for index, posting_id in enumerate(self.ids)}
        self.oldest_first = [published for _id, published in reversed(postings)]
        self.newest = postings[0][1] if postings else None

    def window(self, start: datetime) -> int:
        """How many are published after `start`: they come first."""
        return len(self.ids) - bisect_right(self.oldest_first, start)


def _record_matches(
    *, batch: list[tuple[list[int], _Found]], now: datetime, grace: timedelta
) -> int:
    """Records the matches of a batch of alerts (with the postings of their search), in one
    transaction; the number recorded."""
    size = settings.ALERT_MAIL_POSTINGS
    search = {alert_id: found for alert_ids, found in batch for alert_id in alert_ids}
    alert_ids = list(search)
    with transaction.atomic(), connection.cursor() as cursor:
        # Locked in id order, in one statement: two sweeps running at once wait for each
        # other's batch (never a deadlock), and the second reads what the first recorded and
        # counted.
        starts = list(
            Alert.objects.select_for_update()
            .filter(pk__in=alert_ids)
            .order_by("pk")
            .values_list("pk", _window_start(grace))
        )
        # What each alert has waiting already, and what it was sent of these postings (the
        # grace looks back over them): a match is recorded after its posting's publication,
        # so those of postings published since `since` were recorded since too.
        cursor.execute(
            """
            SELECT alert_id, posting_id, sent_at IS NULL FROM alerts_alertmatch
            WHERE alert_id = ANY(%s) AND (sent_at IS NULL OR created_at > %s)
            """,
            [alert_ids, min(found.since for _, found in batch)],
        )
        recorded: dict[int, set[int]] = defaultdict(set)
        waiting: Counter[int] = Counter()
        for alert_id, posting_id, unsent in cursor.fetchall():
            recorded[alert_id].add(posting_id)
            waiting[alert_id] += unsent
        pairs: list[tuple[int, int]] = []
        counted: list[int] = []
        counted_up_to: list[datetime | None] = []
        for alert_id, start in starts:
            found = search[alert_id]
            window = found.window(start)
            known = recorded[alert_id]
            seen = sum(1 for posting_id in known if found.position.get(posting_id, window) < window)
            fresh = (
                posting_id for posting_id in islice(found.ids, window) if posting_id not in known
            )
            new = list(islice(fresh, max(0, size - waiting[alert_id])))
            pairs += [(alert_id, posting_id) for posting_id in new]
            counted.append(window - seen - len(new))
            counted_up_to.append(found.newest if counted[-1] else None)
        cursor.execute(
            """
            INSERT INTO alerts_alertmatch (alert_id, posting_id, created_at)
            SELECT alert_id, posting_id, %s FROM unnest(%s::bigint[], %s::bigint[])
                AS t (alert_id, posting_id)
            ON CONFLICT (alert_id, posting_id) DO NOTHING
            """,
            [now, [a for a, _ in pairs], [p for _, p in pairs]],
        )
        inserted = cursor.rowcount
        cursor.execute(
            """
            UPDATE alerts_alert AS a SET high_water = %s, more = a.more + t.counted,
                counted_up_to = coalesce(t.counted_up_to, a.counted_up_to)
            FROM unnest(%s::bigint[], %s::integer[], %s::timestamptz[])
                AS t (id, counted, counted_up_to)
            WHERE a.id = t.id
            """,
            [now, [alert_id for alert_id, _ in starts], counted, counted_up_to],
        )
    return inserted


def sweep(*, frequency: str, batch_size: int | None = None) -> list[list[int]]:
    """Matches the alerts of `frequency`, and returns the due ones with something to send (or
    a claim abandoned by a dead sender), in batches for the senders."""
    now = timezone.now()
    match_alerts(frequency=frequency, now=now)
    unsent = AlertMatch.objects.filter(alert=OuterRef("pk"), sent_at__isnull=True)
    abandoned = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    ids = list(
        Alert.objects.due(frequency, now=now)
        .filter(Exists(unsent) | Q(claimed_at__lt=abandoned))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = batch_size or settings.ALERT_SEND_BATCH
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# The address's own data


def unsubscribe(*, alert_id: int) -> None:
    """Nothing is sent to the alert after this commits; a mail already claimed (on its way to
    the mail server) may still arrive."""
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
