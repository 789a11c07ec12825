"""Public reads that need more than a queryset method: filters, search, facets and paging.

The language is an argument of every read (the board's version the caller serves, read once
from the URL or the API's parameters), never the thread's active language, which is for labels
only. Postings are read through `Posting.objects.live().in_language(language)`. Facet counts
are read from `FacetCount`, the trigger-maintained counts of published postings, minus the
published postings that are not live (past their expiry before the sweep ran, or scheduled):
a few rows instead of a count over every posting.
"""

import heapq
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html import escape, unescape

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.expressions import Expression, RawSQL
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from . import common_searches, places, rates
from .caching import Scope
from .collation import collated
from .models import Category, CommonMatch, FacetCount, Posting, SearchRow
from .models.querysets import live_dates
from .search import configs_for, matches, search_query

# Facet (query-string parameter) -> Posting column.
FACET_COLUMNS = dict(
    zip(("country", "category", "type", "remote"), FacetCount.FACET_COLUMNS, strict=True)
)
# Filters that FacetCount cannot answer: with any of them, facets count matching postings.
ROW_FILTERS = ("salary_min", "with_salary", "posted_within", "place")
MAX_PAGES = 50
# A "where" list's page is found walking the language's postings by date when that reads at
# most this many of them (by the share of the postings the radius holds), else by the radius.
WALK_ROWS = 3000
# A query that finds nothing has each word replaced by its closest (one query a word) up to
# this many words.
SUGGESTED_WORDS = 5
_WORD = re.compile(r"\w+")
# A results page shows cards (presentation.card): only what they show is read (and a search's
# page the description, for its extract), not the other texts and the search columns (the
# widest, stored apart and decompressed when read) nor the workflow's: a page of 20 postings and
# their companies is read in 2.6 ms instead of 3.6.
ON_CARDS = (
    *("language", "title", "slug", "company__name", "company__logo_url", "city", "country"),
    *("remote", "employment_type", "published_at", "refreshed_at"),
    *("salary_min", "salary_max", "salary_currency", "salary_period"),
)
# Highlight markers that no posting text contains; replaced by <mark> after escaping.
_MARK_START, _MARK_STOP = "\x02", "\x03"
# (masculine ending, feminine), as search.GENDER_FOLDS folds them back.
_FEMININE = {
    "fr": [
        (r"eur(s?)$", r"euse\1"),  # développeur -> développeuse
        (r"teur(s?)$", r"trice\1"),  # directeur -> directrice
        (r"ier(s?)$", r"ière\1"),  # infirmier -> infirmière
        (r"ien(s?)$", r"ienne\1"),  # technicien -> technicienne
    ],
}
# The inline tags of the sanitised HTML (postings.html.ALLOWED_TAGS): inside a line of text.
_INLINE_TAG_SQL = r"</?(strong|b|em|i|a)\y[^>]*>"
_BLOCK_TAG = re.compile(r"</?(?:p|br|ul|ol|li|h\d)\b[^>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Filters:
    """A search, in one shape from the request to the SQL: built once from the list page's
    query string, the API's parameters or an alert's saved query (each validated by
    `PostingFilterForm`). Empty means no filter."""

    q: str = ""
    country: tuple[str, ...] = ()  # ISO alpha-2 codes
    category: Category | None = None
    type: str = ""
    remote: str = ""
    salary_min: int | None = None
    salary_period: str = ""  # hour, month; empty: year
    salary_currency: str = ""  # ISO 4217; empty: the language's (rates.default_currency)
    with_salary: bool = False
    posted_within: int | None = None  # days
    sort: str = ""
    # "where" as the seeker typed it, the radius in km, and the city found (see places.py).
    where: str = ""
    radius: int | None = None
    place: places.Place | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", tuple(self.country))

    def facets(self) -> dict[str, list]:
        """The facet filters as lists of column values."""
        return {
            "country": list(self.country),
            "category": [self.category.id] if self.category else [],
            "type": [self.type] if self.type else [],
            "remote": [self.remote] if self.remote else [],
        }


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Results:
    """A page of results. Its postings are read, with a text search's highlights, when asked
    for (`postings`, `shown`), and only those asked for: a page whose cards are all kept
    (presentation.cards, which finds them by `keys`: each posting's id and publication) reads
    none."""

    keys: list[tuple[int, datetime]]
    total: int
    number: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str = ""
    language: str = ""
    text: str = ""
    # Each posting read, or None when it was deleted since its id was read.
    _read: dict[int, Posting | None] = field(default_factory=dict, repr=False, compare=False)

    def shown(self, pks: Iterable[int] | None = None) -> dict[int, Posting]:
        """The page's postings by id (those of `pks`, else all), in order, with what their
        cards show, less any deleted since their ids were read: those not read yet in one
        query, with their highlights for a text."""
        wanted = [pk for pk, _published in self.keys] if pks is None else list(pks)
        if unread := [pk for pk in wanted if pk not in self._read]:
            read = _on_cards(unread, self.language, self.text)
            self._read.update({pk: read.get(pk) for pk in unread})
        return {pk: posting for pk in wanted if (posting := self._read[pk]) is not None}

    @property
    def postings(self) -> list[Posting]:
        """The page's postings, in order: read as `shown` reads them, when they were not."""
        return list(self.shown().values())

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGES, max(1, -(-self.total // self.per_page)))

    @property
    def truncated(self) -> bool:
        """More results than the pages that can be browsed."""
        return self.total > MAX_PAGES * self.per_page

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages


def filter_postings(
    language: str, filters: Filters, at: datetime | None = None
) -> QuerySet[Posting]:
    """Live postings in `language` (at the moment `at`, now by default) matching the filters
    that are not facets (the text, the salary, the age): what the facets count from."""
    return _narrowed(Posting.objects.live(at).in_language(language), language, filters)


def _search_rows(
    language: str, filters: Filters, at: datetime, *, boxed: bool = True
) -> QuerySet[SearchRow]:
    """As filter_postings(), in the postings' search rows: what the facets count and a text
    search ranks, a few columns a match instead of the posting's whole row."""
    rows = SearchRow.objects.live(at).in_language(language)
    return _narrowed(rows, language, filters, boxed=boxed)


def _narrowed(
    postings: places.QS, language: str, filters: Filters, *, boxed: bool = True
) -> places.QS:
    """`postings` (or their search rows) that match the filters that are not facets; with a
    "where", by the GiST index unless not `boxed` (see places.around)."""
    if filters.q:
        postings = postings.filter(matches(language, filters.q))
    if filters.salary_min:
        enough = rates.salary_at_least(
            filters.salary_min,
            period=filters.salary_period,
            currency=filters.salary_currency or rates.default_currency(language),
        )
        # Postings that do not say their pay stay in, unless the seeker wants a stated salary.
        postings = postings.filter(
            enough if filters.with_salary else enough | Q(salary_currency="")
        )
    elif filters.with_salary:
        postings = postings.exclude(salary_currency="")
    if filters.posted_within:
        since = timezone.now() - timedelta(days=filters.posted_within)
        postings = postings.filter(published_at__gte=since)
    if filters.place:
        radius = filters.radius or places.DEFAULT_RADIUS
        postings = places.around(postings, filters.place, radius, boxed=boxed)
    return postings


def _cell_columns(filters: Filters) -> list[str]:
    """The facet columns of a matching posting, and with a "where" whether it is near."""
    return [*FACET_COLUMNS.values(), *(["near"] if filters.place else [])]


def matching(language: str, filters: Filters) -> QuerySet[Posting]:
    """Live postings in `language` matching every filter, newest first, with their company:
    the one query of the feeds, the API and the alerts (a list page reads its ids from the
    search rows: see search)."""
    postings = _passing_facets(filter_postings(language, filters), filters)
    return postings.select_related("company").order_by("-published_at", "-id")


def _passing_facets(postings: places.QS, filters: Filters, *, boxed: bool = True) -> places.QS:
    """`postings` (or their search rows) that pass the facet filters; with a "where", those
    within the radius, unless remote work from anywhere is asked for."""
    if filters.country:
        postings = postings.filter(country__in=filters.country)
    if filters.category:
        postings = postings.filter(category_id=filters.category.id)
    if filters.type:
        postings = postings.filter(employment_type=filters.type)
    if filters.remote:
        postings = postings.filter(remote=filters.remote)
    if filters.place and not places.far(filters.facets()["remote"]):
        radius = filters.radius or places.DEFAULT_RADIUS
        postings = places.within(postings, filters.place, radius, boxed=boxed)
    return postings


def _not_live_published(
    language: str, columns: list[str], at: datetime | None = None
) -> dict[tuple, int]:
    """Published postings that are not live at `at` (now by default): expired before the sweep
    ran, or scheduled. Counted per `columns`: what FacetCount counts and the public must not
    see."""
    now = at or timezone.now()
    rows = (
        Posting.objects.in_language(language)
        .filter(Q(expires_at__lte=now) | Q(published_at__gt=now), status=Posting.Status.PUBLISHED)
        .values_list(*columns)
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row[:-1]: row[-1] for row in rows}


def _cells(language: str, filters: Filters, at: datetime) -> Counter:
    """Postings in `language` live at `at` matching the filters that are not facets, counted
    per (country, category, type, remote). (A "where" alone: `_cells_around`.)"""
    columns = list(FACET_COLUMNS.values())
    if _row_filtered(filters):
        rows = (
            _search_rows(language, filters, at)
            .values_list(*_cell_columns(filters))
            .annotate(n=Count("pk"))
            .order_by()
        )
        return Counter({row[:-1]: row[-1] for row in rows})
    counted = FacetCount.objects.filter(language=language, n__gt=0).values_list(*columns, "n")
    cells = Counter({row[:-1]: row[-1] for row in counted})
    cells.subtract(_not_live_published(language, columns, at))
    return +cells  # drops the cells at zero


def _row_filtered(filters: Filters) -> bool:
    """Whether a filter that FacetCount cannot answer is set (a salary, an age, a "where")."""
    return any(getattr(filters, name) for name in ROW_FILTERS)


def _where_alone(filters: Filters) -> bool:
    """A "where" and no other filter that is not a facet (a text, a salary, an age)."""
    return bool(filters.place) and not filters.q and not _row_filtered(replace(filters, place=None))


def _cells_around(language: str, filters: Filters, at: datetime) -> tuple[Counter, Counter]:
    """With a "where" alone: the postings within the radius, by the GiST index, flagged near;
    and the remote postings beyond it, flagged far: all the remote ones, counted as without a
    "where" (FacetCount), less the near ones. Two small reads instead of every remote posting
    of the language. And the language's cells without the "where", which the radius holds a
    share of."""
    assert filters.place is not None
    anywhere = replace(filters, where="", radius=None, place=None)
    near_rows = (
        places.within(
            _search_rows(language, anywhere, at),
            filters.place,
            filters.radius or places.DEFAULT_RADIUS,
        )
        .values_list(*FACET_COLUMNS.values())
        .annotate(n=Count("pk"))
        .order_by()
    )
    near = Counter({row[:-1]: row[-1] for row in near_rows})
    cells = Counter({(*cell, True): n for cell, n in near.items()})
    everywhere = _cells(language, anywhere, at)
    for cell, n in everywhere.items():
        if cell[REMOTE] == Posting.Remote.REMOTE and n > near[cell]:
            cells[(*cell, False)] = n - near[cell]
    return cells, everywhere


REMOTE = list(FACET_COLUMNS).index("remote")


def _misses(wanted: dict[str, list]) -> Callable[[tuple], list[int]]:
    """For the facet filters `wanted`, a function of a cell: the positions of the facets whose
    filter it fails. A cell beyond the radius of a "where" (its last value, `near`, false)
    fails the remote filter unless that filter keeps remote postings from anywhere
    (places.far). The filters' tests are made once: a language has thousands of cells (2,754
    for English at a million postings), which its list page counts."""
    tests = [(i, frozenset(values)) for i, values in enumerate(wanted.values()) if values]
    beyond_fails = not places.far(wanted["remote"])
    width = len(FACET_COLUMNS)

    def misses(cell: tuple) -> list[int]:
        failed = [i for i, values in tests if cell[i] not in values] if tests else []
        if beyond_fails and len(cell) > width and not cell[-1] and REMOTE not in failed:
            failed.append(REMOTE)
        return failed

    return misses


def _facet_counts(cells: Counter, wanted: dict[str, list]) -> tuple[dict[str, Counter], int]:
    """Counts per facet value, each facet with the other filters and without its own
    (rule 4 of docs/design.md), and the number of postings that match every filter."""
    misses = _misses(wanted)
    counts: list[dict] = [{} for _facet in FACET_COLUMNS]
    total = 0
    for cell, n in cells.items():
        failed = misses(cell)
        if not failed:
            total += n
            # zip stops at the facets: a cell of a "where" ends with whether it is near.
            for counted, value in zip(counts, cell, strict=False):
                counted[value] = counted.get(value, 0) + n
        elif len(failed) == 1:  # it counts for the one facet whose filter it fails
            counted, value = counts[failed[0]], cell[failed[0]]
            counted[value] = counted.get(value, 0) + n
    return dict(zip(FACET_COLUMNS, map(Counter, counts), strict=True)), total


def _listed(choices: list[tuple], counts: Counter, selected: list) -> list[FacetValue]:
    """The values with live postings, plus the selected ones (at 0), so that a visitor can see
    and undo a filter that matches nothing here."""
    return [
        FacetValue(value, label, counts[key], key in selected)
        for key, value, label in choices
        if counts[key] or key in selected
    ]


def _countries(counts: Counter, selected: list) -> list[FacetValue]:
    """Named in the active language, in its collation order."""
    codes = counts.keys() | set(selected)
    values = _listed([(code, code, countries.name(code)) for code in codes], counts, selected)
    # The labels are in the active language, so they sort in its alphabet.
    return collated(values, key=lambda facet: facet.label, language=translation.get_language())


def country_list(language: str) -> list[FacetValue]:
    """The countries with live postings in `language`, with their counts: the country facet
    without other filters, summed in the database."""
    return _countries(_live_per_country(language), [])


def _live_per_country(language: str, among: Iterable[str] | None = None) -> Counter:
    """The live postings in `language` per country (of `among` only, when given): FacetCount's
    few rows, less the published postings that are not live."""
    counted = FacetCount.objects.filter(language=language, n__gt=0)
    if among is not None:
        counted = counted.filter(country__in=among)
    counts = Counter(dict(counted.values_list("country").annotate(total=Sum("n")).order_by()))
    counts.subtract({cell[0]: n for cell, n in _not_live_published(language, ["country"]).items()})
    return +counts


def absent_countries(language: str, filters: Filters, results: Results) -> list[str]:
    """The countries of the filters with no live posting at all in `language`: a filter that
    can never match here, unlike a country whose jobs only miss the other filters. Asked only
    when a selected country counts 0 on the page. (Read from the postings, it took 250 ms for
    a country with 20,000 of them at a million.)"""
    empty = [
        facet.value for facet in results.facets["country"] if facet.selected and not facet.count
    ]
    if not empty:
        return []
    present = _live_per_country(language, empty)
    return [code for code in empty if not present[code]]


@dataclass(frozen=True)
class Matches:
    """Every posting that matches a search's text and its filters that are not facets, grouped
    by its facet values (`cells`, each a tuple of FACET_COLUMNS' values, and with a "where"
    whether it is near): for each cell, the matches' scores, publications (microseconds since
    the epoch) and ids, in columns (24 bytes a match, in the cache). What every combination of
    facet filters on the same search counts and orders, without reading the matches again."""

    cells: dict[tuple, tuple[array, array, array]]

    @classmethod
    def of(cls, rows: Iterable[tuple]) -> "Matches":
        """From (*cell, scores, published, ids) rows, each column as _unsent reads it; a cell
        may come in several rows."""
        cells: dict[tuple, tuple[array, array, array]] = {}
        for row in rows:
            cell, (scores, published, ids) = tuple(row[:-3]), map(_unsent, row[-3:], "dqq")
            # string_agg leaves out nulls, which would shift one column against the others.
            if not len(scores) == len(published) == len(ids):
                raise ValueError(f"columns of different lengths for {cell}")
            columns = (scores, published, ids)
            if (known := cells.get(cell)) is None:
                cells[cell] = columns
            else:
                for column, more in zip(known, columns, strict=True):
                    column.extend(more)
        return cls(cells)

    def __sizeof__(self) -> int:
        """Its arrays' bytes and their cells', about (what the process's parts count it as:
        caching.Recent)."""
        arrays = sum(sys.getsizeof(column) for columns in self.cells.values() for column in columns)
        return arrays + 200 * len(self.cells)

    def without(self, gone: set[int]) -> "Matches":
        cells = {}
        for cell, columns in self.cells.items():
            kept = [i for i, pk in enumerate(columns[2]) if pk not in gone]
            if kept:
                scores, published, ids = (array(c.typecode, (c[i] for i in kept)) for c in columns)
                cells[cell] = (scores, published, ids)
        return Matches(cells)

    def counted(self) -> Counter:
        """The matches per cell."""
        return Counter({cell: len(ids) for cell, (_scores, _published, ids) in self.cells.items()})

    def ranked(self, wanted: dict[str, list], browsable: int, order: str) -> "Ranked":
        """The matches that pass the facet filters, as many as can be browsed, in `order`: by
        score, then date, then id ("relevance"), or by date, then id ("date")."""
        scores, published, ids = array("d"), array("q"), array("q")
        misses = _misses(wanted)
        for cell, columns in self.cells.items():
            if not misses(cell):
                scores.extend(columns[0])
                published.extend(columns[1])
                ids.extend(columns[2])
        if order == "date":
            first = _largest(browsable, published, ids)
        else:
            first = [row[1:] for row in _largest(browsable, scores, published, ids)]
        return Ranked(array("q", (pk for _at, pk in first)), array("q", (at for at, _pk in first)))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Ranked:
    """The first matches of a text search in the order asked: their ids and their publication
    (microseconds since the epoch), what a page's cards are found by (16 bytes a match)."""

    ids: array = field(default_factory=lambda: array("q"))
    published: array = field(default_factory=lambda: array("q"))

    def __len__(self) -> int:
        return len(self.ids)

    def without(self, gone: set[int]) -> "Ranked":
        kept = [i for i, pk in enumerate(self.ids) if pk not in gone]
        return Ranked(
            array("q", (self.ids[i] for i in kept)), array("q", (self.published[i] for i in kept))
        )

    def keys(self, start: int, stop: int) -> list[tuple[int, datetime]]:
        """(id, publication) of the matches from `start` to `stop`."""
        return [
            (pk, _EPOCH + timedelta(microseconds=at))
            for pk, at in zip(self.ids[start:stop], self.published[start:stop], strict=True)
        ]


def _largest(n: int, keys: array, *ties: array) -> list[tuple]:
    """The `n` largest rows of the columns (`keys`, *`ties`), largest first. Only the rows whose
    key is at least the n-th largest key are made and compared as tuples, unless most are (a
    key that many rows share, a score of 0): the first 1,100 of 57,000 matches by score in
    5 ms instead of 8."""
    columns: list[Sequence] = [keys, *ties]
    if 0 < n < len(keys):
        least = heapq.nlargest(n, keys)[-1]
        rows = [i for i, key in enumerate(keys) if key >= least]
        if len(rows) < len(keys) // 2:
            columns = [[column[i] for i in rows] for column in columns]
    return heapq.nlargest(n, zip(*columns, strict=True))


def _order(filters: Filters) -> str:
    """The order of a text search's matches."""
    return "date" if filters.sort == "date" else "relevance"


def _unsent(sent: bytes | None, typecode: str) -> array:
    """8-byte values (float8 "d", int8 "q") from their binary forms end to end, as
    `string_agg(float8send(...), '')` or `int8send` writes them: big-endian, 8 bytes each. Read
    in C: about 0.1 ms for a column of 57,000 (as a row a match, the matches took about 100)."""
    if sent is None or len(sent) % 8:
        raise ValueError(f"not 8-byte values end to end: {sent and len(sent)} bytes")
    values = array(typecode)
    values.frombytes(sent)
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _matches(language: str, filters: Filters, at: datetime, scope: Scope | None) -> Matches:
    """The search's matches among the postings live at `at`; with a page's scope, read once for
    every combination of facet filters on the same text and other filters."""
    if scope is None:
        return Matches.of(_scored_matches(language, filters, at))
    anywhere = replace(filters, country=(), category=None, type="", remote="", sort="")
    return scope.remember_live(
        "matches",
        astuple(anywhere),
        lambda moment: Matches.of(_scored_matches(language, filters, moment)),
        lambda matches, then, now: _matches_caught_up(language, filters, matches, then, now),
        at=at,
    )


def _scored_matches(language: str, filters: Filters, at: datetime) -> list[tuple]:
    """(*cell, scores, published in microseconds, ids) of the postings live at `at` that match
    the text and the other filters that are not facets, per cell, each column as its values'
    binary forms end to end (_unsent): one pass over the matches serves the facets and the
    page, and 300 rows come back instead of one a match (57,000 for a common German word).
    string_agg of the binary forms takes German's 57,000 a tenth less time than array_agg and
    array_send did (90 ms against 103 in psql), with 8 bytes a value instead of 12.

    The matches of a common search (postings.common_searches) are read from their kept rows,
    when the filters are facets, an age or none: its facet values, rank and dates are there;
    else by the GIN index from the search rows, in the same query (PostgreSQL runs the second
    branch only when the first has no kept search)."""
    query = search_query(language, filters.q)
    cell = _cell_columns(filters)
    others = replace(filters, q="")
    # By the GIN index, however common the word: the search vector has no statistics
    # (migration 0029).
    found = _search_rows(language, others, at).filter(search_vector=query)
    sql, params = _grouped(found, SearchRank(F("title_vector"), query), cell)
    # Plain words with facets, an age or no other filter: what kept matches can answer.
    row_filtered = any(getattr(filters, name) for name in ROW_FILTERS if name != "posted_within")
    words = None if row_filtered else common_searches.plain(filters.q)
    # Each row ends with the common search whose kept matches it was read from, if any.
    sql = f"SELECT *, NULL::bigint FROM ({sql}) found"  # noqa: S608
    if words is not None:
        kept = common_searches.filled(language, search_query(language, words))
        # The search's id as a scalar subquery: a constant to the planner, which then reads the
        # matches grouped in the index's order instead of sorting them (85 ms against 31).
        search = Subquery(kept.values("pk")[:1])
        matches = CommonMatch.objects.filter(live_dates(at), search_id=search)
        kept_sql, kept_params = _grouped(_narrowed(matches, language, others), F("rank"), cell)
        absent, absent_params = kept.values("pk").query.sql_with_params()
        # Interpolated: Django's own SQL; values are params.
        sql = f"""
            SELECT kept.*, ({absent}) FROM ({kept_sql}) kept
            UNION ALL
            {sql} WHERE NOT EXISTS ({absent})
        """  # noqa: S608
        params = (*absent_params, *kept_params, *params, *absent_params)
    with connections[found.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # The ids as int8send wrote them: 8 bytes each.
    found_many = sum(len(ids) // 8 for *_, ids, _kept in rows) >= settings.COMMON_SEARCH_MATCHES
    if rows and (kept_search := rows[0][-1]):
        common_searches.read(kept_search)
    elif words is not None and found_many:
        common_searches.note(language, words)
    return [row[:-1] for row in rows]


def _grouped(rows: QuerySet, rank: Expression | F, cell: list[str]) -> tuple[str, tuple]:
    """The SQL of `rows` (search rows or kept matches) scored by `rank`, as _scored_matches
    returns them."""
    # Relevance, fading with age: a month-old posting needs twice the rank of today's. Ranked
    # by the words of the title, company and category, then by freshness: a match in the text
    # alone ranks 0, after every match in a title, newest first. (date_part, a float, is a
    # third faster than extract, a numeric, over 30,000 matches; exact to the microsecond.)
    age_in_months = RawSQL(
        "date_part('epoch', now() - published_at) / 2592000.0", (), output_field=FloatField()
    )
    microseconds = RawSQL(
        "(date_part('epoch', published_at) * 1000000)::bigint", (), output_field=BigIntegerField()
    )
    scored = (
        rows.annotate(score=rank / (1 + age_in_months), microseconds=microseconds)
        .values_list(*cell, "score", "microseconds", "posting_id")
        .order_by()
    )
    sql, params = scored.query.sql_with_params()
    grouped = ", ".join(f'"{column}"' for column in cell)
    # Interpolated: Django's own SQL and column names; values are params.
    aggregated = f"""
        SELECT {grouped}, string_agg(float8send(score), ''), string_agg(int8send(microseconds), ''),
            string_agg(int8send(posting_id), '')
        FROM ({sql}) found GROUP BY {grouped}
    """  # noqa: S608
    return aggregated, params


@dataclass(frozen=True)
class Found:
    """What a search finds whatever the page: the counts per facet value and their
    facets, the total, the postings that match the filters that are not facets whatever the
    facets (`matched`), for a text search the ids of the matches in the order asked, as many as
    can be browsed and a few more (the postings that expire before the search is made again leave
    its order), and for a "where" alone the postings that pass the facets wherever they are
    (`population`: how dense the radius is)."""

    counts: dict[str, Counter]
    facets: dict[str, list[FacetValue]]
    total: int
    matched: int
    ranked: Ranked = field(default_factory=Ranked)
    population: int = 0

    def __sizeof__(self) -> int:
        """16 bytes a match of its order, about 200 a facet value and its counts (what the
        process's parts count it as: caching.Recent)."""
        return 16 * len(self.ranked) + 200 * sum(len(values) for values in self.facets.values())


def _find(
    language: str,
    filters: Filters,
    categories: list[Category],
    per_page: int,
    at: datetime,
    scope: Scope | None = None,
) -> Found:
    """What the search finds among the postings live at `at`."""
    wanted = filters.facets()
    ranked = Ranked()
    population = 0
    if filters.q:
        matches = _matches(language, filters, at, scope)
        cells = matches.counted()
        ranked = matches.ranked(wanted, MAX_PAGES * per_page * 11 // 10, _order(filters))
    elif _where_alone(filters):
        cells, everywhere = _cells_around(language, filters, at)
        population = _facet_counts(everywhere, wanted)[1]
    else:
        cells = _cells(language, filters, at)
    counts, total = _facet_counts(cells, wanted)
    labelled = _labelled(counts, wanted, categories)
    return Found(counts, labelled, total, sum(cells.values()), ranked, population)


def _labelled(
    counts: dict[str, Counter], wanted: dict[str, list], categories: list[Category]
) -> dict[str, list[FacetValue]]:
    # Labels as text: a lazy translation in the page cache would be unpickled as a new class.
    return {
        "country": _countries(counts["country"], wanted["country"]),
        "category": _listed(
            [(c.id, c.slug, c.name) for c in categories], counts["category"], wanted["category"]
        ),
        "type": _listed(
            [(key, key, str(label)) for key, label in Posting.EmploymentType.choices],
            counts["type"],
            wanted["type"],
        ),
        "remote": _listed(
            [(key, key, str(label)) for key, label in Posting.Remote.choices],
            counts["remote"],
            wanted["remote"],
        ),
    }


def _live_at(moment: datetime, published_at: datetime, expires_at: datetime | None) -> bool:
    return published_at <= moment and (expires_at is None or expires_at > moment)


def _changed(
    language: str, filters: Filters, then: datetime, now: datetime
) -> tuple[Counter, set[int], bool]:
    """The postings matching the filters that are not facets that went live (+1) or expired
    (-1) by the clock after `then` up to `now`, per cell; the ids of those that expired; and
    whether any went live. One query over the postings published or expiring in the window, by
    its two indexes."""
    window = Q(published_at__gt=then, published_at__lte=now) | Q(
        expires_at__gt=then, expires_at__lte=now
    )
    changed = _narrowed(
        Posting.objects.filter(window, status=Posting.Status.PUBLISHED).in_language(language),
        language,
        filters,
    ).values_list("id", "published_at", "expires_at", *_cell_columns(filters))
    cells: Counter = Counter()
    gone, came = set(), False
    for pk, published_at, expires_at, *cell in changed:
        change = _live_at(now, published_at, expires_at) - _live_at(then, published_at, expires_at)
        if change:
            cells[tuple(cell)] += change
            if change < 0:
                gone.add(pk)
            else:
                came = True
    return cells, gone, came


def _matches_caught_up(
    language: str, filters: Filters, matches: Matches, then: datetime, now: datetime
) -> Matches | None:
    """`matches` as of `then`, without those that expired up to `now`; None when a posting went
    live (its score would be needed)."""
    _cells_changed, gone, came = _changed(language, filters, then, now)
    if came:
        return None
    return matches.without(gone) if gone else matches


def _caught_up(
    language: str,
    filters: Filters,
    categories: list[Category],
    per_page: int,
    found: Found,
    then: datetime,
    now: datetime,
) -> Found | None:
    """`found` as of `then`, brought to `now` by the postings matching the filters that are not
    facets that went live or expired by the clock in between: one query over the postings
    published or expiring in the window, by its two indexes. `found` itself when none did;
    None when a text search gained a match (its rank would be needed: the search is made
    again) or lost so many that its pages run short."""
    cells, gone, came = _changed(language, filters, then, now)
    if came and filters.q:
        return None
    if not cells:
        return found
    wanted = filters.facets()
    change_in, change_in_total = _facet_counts(cells, wanted)
    counts = {}
    for facet, counted in found.counts.items():
        counts[facet] = counted.copy()
        counts[facet].update(change_in[facet])
    total = found.total + change_in_total
    ranked = found.ranked.without(gone) if gone else found.ranked
    if filters.q and len(ranked) < min(total, MAX_PAGES * per_page):
        return None
    matched = found.matched + sum(cells.values())
    labelled = _labelled(counts, wanted, categories)
    return Found(counts, labelled, total, matched, ranked, found.population)


def search(
    language: str,
    filters: Filters,
    categories: list[Category],
    *,
    page: int,
    per_page: int,
    scope: Scope | None = None,
) -> Results:
    """One page of the postings in `language` matching the filters, with every facet and the
    total. With a page's scope, what does not change with the page (nor with the order but for
    a text's) is found once per data version (the long tail of pages that the page cache has
    not stored)."""
    if scope is None:
        found = _find(language, filters, categories, per_page, timezone.now())
    else:
        # The facets' labels are in the active language; a text's matches are in the order asked.
        order = _order(filters) if filters.q else ""
        parts = (translation.get_language(), *astuple(replace(filters, sort=order, category=None)))
        parts += (filters.category.id if filters.category else None, per_page)
        found = scope.remember_live(
            "search",
            parts,
            lambda at: _find(language, filters, categories, per_page, at, scope),
            lambda found, then, now: _caught_up(
                language, filters, categories, per_page, found, then, now
            ),
        )
    total = found.total
    number = max(1, min(page, MAX_PAGES, -(-total // per_page)))
    start = (number - 1) * per_page
    text = filters.q
    if not total:
        keys = []
    elif text:
        keys = found.ranked.keys(start, start + per_page)
    else:
        # The page's ids from the search rows, newest first by their index, which holds what
        # the live test reads (an index-only scan: page 50 of a language reads 1,000 index
        # entries, 0.4 ms, instead of 1,000 postings and their companies, 4 to 14 ms).
        # With a "where": 25 km around Paris hold 7,776 French postings of the bench, whose
        # narrow rows the radius and the order read instead of the whole ones. When the radius
        # holds a good share of the language's postings and the page is near the start, its
        # newest are found walking them by date and testing each one's distance, a few hundred
        # rows (1 ms for Paris' first page), instead of reading them all by the GiST index to
        # sort them (30 ms); PostgreSQL estimates a radius at 0.1 % of the rows whatever it
        # holds, so it is told by leaving the index's box out.
        # (The share is counted for a "where" alone: with a salary or an age beside it, the
        # walk could read the whole language for a small town.)
        walk = found.population > 0 and (start + per_page) * found.population <= WALK_ROWS * total
        rows = _search_rows(language, filters, timezone.now(), boxed=not walk)
        rows = _passing_facets(rows, filters, boxed=not walk)
        newest = rows.order_by("-published_at", "-pk").values_list("pk", "published_at")
        keys = list(newest[start : start + per_page])
    # The postings themselves, and a text's highlights, are read only for the cards that are
    # not kept (Results.shown).
    results = Results(
        keys=keys,
        total=total,
        number=number,
        per_page=per_page,
        facets=found.facets,
        language=language,
        text=text,
    )
    if text and not total and not _finds_anything(language, filters, found.matched):
        results.suggestion = did_you_mean(language, text)
    return results


def _finds_anything(language: str, filters: Filters, matched: int) -> bool:
    """Whether the text finds live postings in `language`, whatever the other filters: other
    words are suggested for a text that finds nothing, not for filters that leave nothing of
    what it finds (the empty page offers to remove them). `matched` answers without a query
    unless a filter that is not a facet (a salary, an age, a "where") left it at 0."""
    if matched or not _row_filtered(filters):
        return bool(matched)
    return _search_rows(language, Filters(q=filters.q), timezone.now()).exists()


def _on_cards(ids: list[int], language: str, text: str) -> dict[int, Posting]:
    """The postings of `ids` (less any deleted since the ids were read) by id, as their cards
    show them, and for a search `text` with the title's matched words highlighted and an extract
    of the text around them (its start when only the title matches): one query, in no order
    (the page has its own), compiled once (a second one for the highlights, and the model's
    ordering, cost a new search's page about a quarter of its reading time)."""
    postings = Posting.objects.select_related("company").filter(pk__in=ids).order_by()
    if not text:
        return {posting.pk: posting for posting in postings.only(*ON_CARDS)}
    # The text too: the extract is placed in it, to add "…" where it cuts it (_extract).
    postings = postings.only(*ON_CARDS, "description").annotate(**_highlights(language, text))
    read = {}
    for posting in postings:
        # The query's annotations, which the model does not declare.
        title, extract = posting.title_marked, posting.extract  # type: ignore[attr-defined]
        if _MARK_START in title:
            posting.highlighted_title = _mark(escape(title, quote=False))
        posting.snippet = _extract(extract, posting.description)
        read[posting.pk] = posting
    return read


def _highlights(language: str, text: str) -> dict[str, SearchHeadline]:
    """`title_marked` and `extract`: the title and an extract of the text, with the words of
    `text` between the markers."""
    # The accent-insensitive analysis, so that "developpeur" highlights "Développeur", and the
    # query as typed too, since the text shown is not folded ("développeuse").
    config = configs_for(language)[1]
    query = search_query(language, text) | SearchQuery(text, search_type="websearch", config=config)
    # And the words as typed, unstemmed, as prefixes: the text shown is not folded either, so
    # "Entwickler" (matched through the fold) highlights "Entwicklerin" too, but not
    # "Entwicklung" (stemmed, it would). Negated words are left out.
    if words := re.findall(r"(?<![-\w])\w{3,}", text):
        prefixes = " | ".join(f"'{word}':*" for word in words)
        query |= SearchQuery(prefixes, search_type="raw", config="simple")
        # And their feminine forms, which the fold found but a prefix does not ("développeuse").
        if feminine := _feminine(language, words):
            query |= SearchQuery(" or ".join(feminine), search_type="websearch", config=config)
    return {
        "title_marked": SearchHeadline(
            _unmarked(F("title")),
            query,
            config=config,
            start_sel=_MARK_START,
            stop_sel=_MARK_STOP,
            highlight_all=True,
        ),
        "extract": SearchHeadline(
            # ts_headline reads every tag as a space: without the inline ones first, so that
            # "<strong>GmbH</strong>:" stays "GmbH:".
            Func(
                _unmarked(F("description")),
                Value(_INLINE_TAG_SQL),
                Value(""),
                Value("gi"),
                function="regexp_replace",
                output_field=TextField(),
            ),
            query,
            config=config,
            start_sel=_MARK_START,
            stop_sel=_MARK_STOP,
            max_words=30,
            min_words=12,
        ),
    }


def _unmarked(text: F) -> Func:
    """The text without the characters that stand for <mark> and </mark>: written into a title
    or a text (any character but NUL is), they would open or close one of their own."""
    return Func(
        text,
        Value(_MARK_START + _MARK_STOP),
        Value(""),
        function="translate",
        output_field=TextField(),
    )


def _feminine(language: str, words: list[str]) -> list[str]:
    """The feminine forms of masculine job words: search.GENDER_FOLDS the other way."""
    return [
        re.sub(pattern, replacement, word, flags=re.IGNORECASE)
        for word in words
        for pattern, replacement in _FEMININE.get(language, [])
        if re.search(pattern, word, flags=re.IGNORECASE)
    ]


def _plain(html: str) -> str:
    """The words of an HTML text, its entities read, markers kept: a block's edge ("</p><p>")
    parts words, an inline tag ("<strong>GmbH</strong>:") does not."""
    text = re.sub(_INLINE_TAG, "", re.sub(_BLOCK_TAG, " ", html))
    return " ".join(unescape(text).split())


def _extract(headline: str, description: str) -> SafeString:
    """The headline escaped, with an ellipsis on each side where it cuts the text."""
    shown = _plain(headline)
    words = _plain(description.replace(_MARK_START, "").replace(_MARK_STOP, "")).split()
    plain = shown.replace(_MARK_START, "").replace(_MARK_STOP, "").split()
    start = next((i for i in range(len(words)) if words[i : i + len(plain)] == plain), 0)
    before = "… " if start > 0 else ""
    after = " …" if start + len(plain) < len(words) else ""
    return _mark(f"{before}{escape(shown, quote=False)}{after}")


def _mark(escaped: str) -> SafeString:
    return mark_safe(escaped.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>"))  # noqa: S308


def did_you_mean(language: str, text: str) -> str:
    """The query with each word replaced by the closest word of the live titles in `language`
    ("progamista" -> "Programista", "Entwikler" -> "Entwickler"); when a word has none near
    enough, the live title closest to the whole query ("pyhton developr" -> "Python developer");
    nothing when each word of a query of up to SUGGESTED_WORDS finds postings on its own
    (spelled right, only not found together: the empty page asks for fewer keywords). The
    titles are read from the language's search rows, whose partition has its own trigram index:
    from the postings' index, of every language and status, a word took up to 1.5 s at a
    million postings."""
    live = SearchRow.objects.live().in_language(language)
    words = _WORD.findall(text)
    if len(words) <= SUGGESTED_WORDS:
        suggested = [found for word in words if (found := _closest_word(language, live, word))]
        if len(suggested) == len(words):
            unchanged = [w.lower() for w in suggested] == [w.lower() for w in words]
            return "" if unchanged else " ".join(suggested)
    return (
        live.filter(title__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("title", text))
        .order_by("-similarity", "-published_at")
        .values_list("title", flat=True)
        .first()
        or ""
    )


def _closest_word(language: str, live: QuerySet[SearchRow], word: str) -> str | None:
    """The word of the titles most like `word` by trigram similarity, accents aside, among the
    titles that hold a word like it (pg_trgm's word similarity, served by the title's trigram
    index); `word` itself when it finds postings (by the GIN index: a common word is in 40,000
    titles, which the trigram index would hand over to be ranked, 400 ms)."""
    if live.filter(matches(language, word)).exists():
        return word
    titles = (
        live.filter(title__trigram_word_similar=word)
        .annotate(similarity=TrigramWordSimilarity(word, "title"))
        .order_by("-similarity", "-published_at")
        .values("title")[:20]
    )
    sql, params = titles.query.sql_with_params()
    with connections[titles.db].cursor() as cursor:
        # Interpolated: Django's own SQL; values are params.
        cursor.execute(
            f"""
            SELECT found FROM ({sql}) titles, regexp_split_to_table(titles.title, '\\W+') found
            WHERE found <> ''
            ORDER BY similarity(unaccent(lower(found)), unaccent(lower(%s))) DESC, found
            LIMIT 1
            """,  # noqa: S608
            (*params, word),
        )
        row = cursor.fetchone()
    return row[0] if row else None
