"""Common searches: the texts that match many postings of a language ("Entwickler": 57,000 of
the 136,000 German ones at a million), whose matches are kept (CommonMatch, migration 0033),
so that a search of them reads its matches' narrow rows together instead of finding them by
the GIN index and reading each one's search row (selectors._scored_matches).

A search that finds at least COMMON_SEARCH_MATCHES postings the slow way notes its text in the
cache (a note lost with the cache costs a slow first page, nothing else). The sweep
(tasks.fill_common_searches, every minute) makes each noted text a common search of its
language, up to COMMON_SEARCHES_PER_LANGUAGE, and reads the matches of those not read yet,
with the search rows locked against writes; from then on the triggers keep them exact. Any
visitor may have a text kept, so what is kept is bounded: a language's share of searches, and
a search that no one read for IDLE is dropped (each process marks a search read once an hour
at most).
"""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from .models import CommonSearch

NOTED = "common-searches-noted"
IDLE = timedelta(days=7)
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


def filled(language: str, query: SearchQuery) -> QuerySet[CommonSearch]:
    """The common search of `query` in `language`, if its matches are kept."""
    return CommonSearch.objects.filter(
        language=language, query=Cast(query, TextField()), filled_at__isnull=False
    )


def note(language: str, text: str) -> None:
    """`text` found many postings in `language`: the next sweep makes it a common search."""
    noted = cache.get(NOTED) or []
    if [language, text] not in noted and len(noted) < MAX_NOTED:
        cache.set(NOTED, [*noted, [language, text]], timeout=24 * 3600)


def read(search_id: int) -> None:
    """A search read the kept matches of `search_id`: marked read, unless this process did
    within the hour."""
    now = time.monotonic()
    with _marking:
        last = _marked.get(search_id)
        if last is not None and now - last < 3600:
            return
        _marked[search_id] = now
    CommonSearch.objects.filter(pk=search_id).update(read_at=timezone.now())


def fill_due() -> int:
    """The searches no one read for IDLE dropped, the noted texts made common searches, and the
    matches of those not filled read: the number of searches filled."""
    for idle in CommonSearch.objects.filter(read_at__lt=timezone.now() - IDLE):
        drop(idle)
    # A text noted between the two calls is lost: the next search of it notes it again.
    noted = cache.get(NOTED) or []
    cache.delete(NOTED)
    for language, text in noted:
        add(language, text)
    due = CommonSearch.objects.filter(filled_at__isnull=True).order_by("pk")
    for search in due:
        fill(search)
    return len(due)


def add(language: str, text: str) -> None:
    """`text` a common search of `language`, unless the language has its share already or the
    text searches as one that is (the same tsquery)."""
    from .search import search_query

    if language not in dict(settings.LANGUAGES):
        return
    searches = CommonSearch.objects.filter(language=language)
    if searches.count() >= settings.COMMON_SEARCHES_PER_LANGUAGE:
        return
    query = Cast(search_query(language, text), TextField())
    CommonSearch.objects.bulk_create(
        [CommonSearch(language=language, query=query)], ignore_conflicts=True
    )


def fill(search: CommonSearch) -> None:
    """The search's matches read from the search rows, with their writes waiting (SHARE
    conflicts with the writers' ROW EXCLUSIVE, and a writer's triggers already see the search),
    so that none falls between the read and the triggers."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE postings_searchrow IN SHARE MODE")
        cursor.execute("DELETE FROM postings_commonmatch WHERE search_id = %s", [search.pk])
        cursor.execute(
            FILL, {"search": search.pk, "query": search.query, "language": search.language}
        )
        CommonSearch.objects.filter(pk=search.pk).update(filled_at=timezone.now())


def drop(search: CommonSearch) -> None:
    """The search and its kept matches deleted, with the search rows' writes waiting as for a
    fill: a write whose triggers still saw the search would leave its matches behind."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE postings_searchrow IN SHARE MODE")
        cursor.execute("DELETE FROM postings_commonmatch WHERE search_id = %s", [search.pk])
        search.delete()
