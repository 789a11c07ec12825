"""Common searches: the texts that match many postings of a language ("Entwickler": 57,000 of
the 136,000 German ones at a million), whose matches are kept (CommonMatch, migration 0033),
so that a search of them reads its matches' narrow rows together instead of finding them by
the GIN index and reading each one's search row (selectors._scored_matches).

A search that finds at least COMMON_SEARCH_MATCHES postings the slow way notes its text in the
cache (a note lost with the cache costs a slow first page, nothing else). The sweep
(tasks.fill_common_searches, every minute) makes each noted text a common search of its
language, up to COMMON_SEARCHES_PER_LANGUAGE, and reads the matches of those not read yet,
with the search rows locked against writes; from then on the triggers keep them exact.

Any visitor may have a text kept, so what is kept is bounded: plain words only (no negation or
OR, which could match a whole language), each set of words once whatever their order or case
(`plain`), a language's share of searches, the least recently read one giving way to a new
text once no one read it for a day, and a search that no one read for IDLE dropped (each
process marks a search read once an hour at most).
"""

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from psycopg.errors import LockNotAvailable

from .models import CommonSearch
from .search import search_query

logger = logging.getLogger(__name__)

NOTED = "common-searches-noted"
IDLE = timedelta(days=7)
# A language's least recently read search gives way to a new text when unread this long.
STALE = timedelta(days=1)
# Words, with hyphens inside ("Java-Entwickler"), and nothing else: no websearch_to_tsquery
# operator (a negation, however written, OR, a phrase).
_PLAIN = re.compile(r"\s*\w+(?:-\w+)*(?:\s+\w+(?:-\w+)*)*\s*")
# One sweep at a time (pg_try_advisory_lock's key): beat may start one before the last ends.
SWEEP_LOCK = 0x636F6D6D6F6E  # "common"
# How long a fill or a drop waits for the search rows' writers before trying at the next sweep:
# the writes that come after it wait behind it meanwhile.
LOCK_TIMEOUT = "2s"
# When this process last marked each search read (time.monotonic()).
_marked: dict[int, float] = {}
_marking = threading.Lock()
# Texts noted between two sweeps, at most: a flood of common words waits for the next sweeps.
MAX_NOTED = 100

FILL = """
    INSERT INTO postings_commonmatch
    SELECT %(search)s, posting_id, country, category_id, employment_type, remote,
        ts_rank(title_vector, %(query)s::tsquery), published_at, expires_at
    FROM postings_searchrow
    WHERE language = %(language)s AND search_vector @@ %(query)s::tsquery
"""


class Busy(Exception):
    """The search rows' writers held them past LOCK_TIMEOUT: the sweep stops until the next."""


def plain(text: str) -> str | None:
    """The text as a common search keeps it, if it is plain words: each once, in lower case and
    in order ("Python python developer" -> "developer python", which match alike); else None."""
    if not _PLAIN.fullmatch(text):
        return None
    words = sorted(set(text.casefold().split()))
    return None if "or" in words else " ".join(words)


def filled(language: str, query: SearchQuery) -> QuerySet[CommonSearch]:
    """The common search of `query` in `language`, if its matches are kept."""
    return CommonSearch.objects.filter(
        language=language, query=Cast(query, TextField()), filled_at__isnull=False
    )


def note(language: str, text: str) -> None:
    """`text` (plain: see `plain`) found many postings in `language`: the next sweep makes it a
    common search."""
    noted = cache.get(NOTED) or []
    entry = [language, text]
    if entry not in noted and len(noted) < MAX_NOTED:
        cache.set(NOTED, [*noted, entry], timeout=24 * 3600)


def read(search_id: int) -> None:
    """A search read the kept matches of `search_id`: marked read, unless this process did
    within the hour."""
    now = time.monotonic()
    with _marking:
        last = _marked.get(search_id)
        if last is not None and now - last < 3600:
            return
        # Marked before the write: a primary that fails is tried again in an hour, not by
        # every page meanwhile.
        _marked[search_id] = now
    try:
        # On the primary without the router, whose write would send the rest of the page's
        # reads there too (jobboard.replica).
        searches = CommonSearch.objects.using(DEFAULT_DB_ALIAS)
        searches.filter(pk=search_id).update(read_at=timezone.now())
    except DatabaseError:  # the page is served all the same
        logger.warning("common search %s not marked read", search_id, exc_info=True)


def fill_due() -> int:
    """The searches no one read for IDLE dropped, the noted texts made common searches, and the
    matches of those not filled read: the number of searches filled. Nothing while another
    sweep runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        try:
            return _sweep()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def _sweep() -> int:
    done = 0
    try:
        for idle in CommonSearch.objects.filter(read_at__lt=timezone.now() - IDLE):
            drop(idle)
        # A text noted between the two calls is lost: the next search of it notes it again.
        noted = cache.get(NOTED) or []
        cache.delete(NOTED)
        for language, text in noted:
            add(language, text)
        for search in CommonSearch.objects.filter(filled_at__isnull=True):
            done += fill(search)
    except Busy:
        logger.warning("common searches: search rows busy, left for the next sweep")
    return done


def add(language: str, text: str) -> None:
    """`text` a common search of `language`, unless it is not plain words (`plain`), or is one
    already, or the language has its share and each of its searches was read within STALE
    (else the least recently read one gives way)."""
    words = plain(text)
    if language not in dict(settings.LANGUAGES) or words is None:
        return
    query = Cast(search_query(language, words), TextField())
    searches = CommonSearch.objects.filter(language=language)
    if searches.filter(query=query).exists():
        return
    if searches.count() >= settings.COMMON_SEARCHES_PER_LANGUAGE:
        oldest = searches.order_by("read_at").first()
        if oldest is None or oldest.read_at > timezone.now() - STALE:
            return
        drop(oldest)
    CommonSearch.objects.bulk_create(
        [CommonSearch(language=language, query=query)], ignore_conflicts=True
    )


def fill(search: CommonSearch) -> bool:
    """The search's matches read from the search rows, with their writes waiting (SHARE ROW
    EXCLUSIVE conflicts with the writers' ROW EXCLUSIVE, and with itself: a drop or another
    fill), so that none falls between the read and the triggers, which already see the search.
    Whether it was filled (not when it is gone). Busy when the lock was not had in time."""
    return _locked(search, lambda cursor: _fill(cursor, search))


def _fill(cursor: CursorWrapper, search: CommonSearch) -> None:
    cursor.execute("DELETE FROM postings_commonmatch WHERE search_id = %s", [search.pk])
    cursor.execute(FILL, {"search": search.pk, "query": search.query, "language": search.language})
    CommonSearch.objects.filter(pk=search.pk).update(filled_at=timezone.now())


def drop(search: CommonSearch) -> bool:
    """The search and its kept matches deleted, with the search rows' writes waiting as for a
    fill (a write whose triggers still saw the search would leave its matches behind): whether
    it was there. Busy when the lock was not had in time."""
    return _locked(search, lambda cursor: _drop(cursor, search))


def _drop(cursor: CursorWrapper, search: CommonSearch) -> None:
    cursor.execute("DELETE FROM postings_commonmatch WHERE search_id = %s", [search.pk])
    CommonSearch.objects.filter(pk=search.pk).delete()


def _locked(search: CommonSearch, work: Callable[[CursorWrapper], None]) -> bool:
    """`work(cursor)` done with the search rows locked against writes, if the search is still
    there once they are (a drop may have come first): whether it was."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute("LOCK TABLE postings_searchrow IN SHARE ROW EXCLUSIVE MODE")
            if not CommonSearch.objects.filter(pk=search.pk).exists():
                return False
            work(cursor)
            return True
    except OperationalError as error:
        if isinstance(error.__cause__, LockNotAvailable):
            raise Busy from error
        raise
