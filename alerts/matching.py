"""Matching: the new postings that each alert's search finds, recorded for its next mail, and
the sweep that hands the due alerts to the senders."""

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import islice
from typing import cast

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from postings.models import Category, Posting
from postings.selectors import matching

from .forms import parse_query
from .models import Alert, AlertMatch


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
        inserted: int = cursor.rowcount
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
