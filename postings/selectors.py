"""Public reads that need more than a queryset method: filters, search, facets and paging.

The language is an argument of every read (the board's version the caller serves, read once
from the URL or the API's parameters), never the thread's active language, which is for labels
only. Postings are read through `Posting.objects.live().in_language(language)`. Facet counts
are read from `FacetCount`, the trigger-maintained counts of published postings, minus the
published postings that are not live (past their expiry before the sweep ran, or scheduled):
a few rows instead of a count over every posting.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from html import escape, unescape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from . import places
from .collation import collated
from .models import Category, FacetCount, Posting
from .search import configs_for, search_query

# Facet (query-string parameter) -> Posting column.
FACET_COLUMNS = dict(
    zip(("country", "category", "type", "remote"), FacetCount.FACET_COLUMNS, strict=True)
)
# Filters that FacetCount cannot answer: with any of them, facets count matching postings.
ROW_FILTERS = ("salary_min", "with_salary", "posted_within", "place")
MAX_PAGES = 50
# Highlight markers that no posting text contains; replaced by <mark> after escaping.
_MARK_START, _MARK_STOP = "\x02", "\x03"


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
    postings: list[Posting]
    total: int
    number: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str = ""

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


def filter_postings(language: str, filters: Filters) -> QuerySet[Posting]:
    """Live postings in `language` matching the filters that are not facets (the text, the
    salary, the age): what the facets count from."""
    postings = Posting.objects.live().in_language(language)
    if filters.q:
        postings = postings.filter(search_vector=search_query(language, filters.q))
    if filters.salary_min:
        enough = Q(salary_top_yearly__gte=filters.salary_min)
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
        postings = places.around(postings, filters.place, filters.radius or places.DEFAULT_RADIUS)
    return postings


def _cell_columns(filters: Filters) -> list[str]:
    """The facet columns of a matching posting, and with a "where" whether it is near."""
    return [*FACET_COLUMNS.values(), *(["near"] if filters.place else [])]


def matching(language: str, filters: Filters) -> QuerySet[Posting]:
    """Live postings in `language` matching every filter, newest first, with their company:
    the one query of the list page, the feeds, the API and the alerts."""
    postings = filter_postings(language, filters)
    if filters.country:
        postings = postings.filter(country__in=filters.country)
    if filters.category:
        postings = postings.filter(category_id=filters.category.id)
    if filters.type:
        postings = postings.filter(employment_type=filters.type)
    if filters.remote:
        postings = postings.filter(remote=filters.remote)
    if filters.place and not places.far(filters.facets()["remote"]):
        postings = places.within(postings, filters.place, filters.radius or places.DEFAULT_RADIUS)
    return postings.select_related("company").order_by("-published_at", "-id")


def _not_live_published(language: str, columns: list[str]) -> dict[tuple, int]:
    """Published postings that are not live (expired before the sweep ran, or scheduled),
    counted per `columns`: what FacetCount counts and the public must not see."""
    now = timezone.now()
    rows = (
        Posting.objects.in_language(language)
        .filter(Q(expires_at__lte=now) | Q(published_at__gt=now), status=Posting.Status.PUBLISHED)
        .values_list(*columns)
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row[:-1]: row[-1] for row in rows}


def _cells(language: str, filters: Filters) -> Counter:
    """Live postings in `language` matching the filters that are not facets, counted per
    (country, category, type, remote)."""
    columns = list(FACET_COLUMNS.values())
    if filters.place and not any(getattr(filters, name) for name in ROW_FILTERS if name != "place"):
        return _cells_around(language, filters)
    if any(getattr(filters, name) for name in ROW_FILTERS):
        rows = (
            filter_postings(language, filters)
            .values_list(*_cell_columns(filters))
            .annotate(n=Count("id"))
            .order_by()
        )
        return Counter({row[:-1]: row[-1] for row in rows})
    counted = FacetCount.objects.filter(language=language, n__gt=0).values_list(*columns, "n")
    cells = Counter({row[:-1]: row[-1] for row in counted})
    cells.subtract(_not_live_published(language, columns))
    return +cells  # drops the cells at zero


def _cells_around(language: str, filters: Filters) -> Counter:
    """With a "where" alone: the postings within the radius, by the GiST index, flagged near;
    and the remote postings beyond it, flagged far: all the remote ones, counted as without a
    "where" (FacetCount), less the near ones. Two small reads instead of every remote posting
    of the language."""
    assert filters.place is not None
    anywhere = replace(filters, where="", radius=None, place=None)
    near_rows = (
        places.within(
            filter_postings(language, anywhere),
            filters.place,
            filters.radius or places.DEFAULT_RADIUS,
        )
        .values_list(*FACET_COLUMNS.values())
        .annotate(n=Count("id"))
        .order_by()
    )
    near = Counter({row[:-1]: row[-1] for row in near_rows})
    cells = Counter({(*cell, True): n for cell, n in near.items()})
    for cell, n in _cells(language, anywhere).items():
        if cell[REMOTE] == Posting.Remote.REMOTE and n > near[cell]:
            cells[(*cell, False)] = n - near[cell]
    return cells


REMOTE = list(FACET_COLUMNS).index("remote")


def _misses(cell: tuple, wanted: dict[str, list]) -> list[int]:
    """The positions of the facets whose filter the cell fails. A cell beyond the radius of a
    "where" (its last value, `near`, false) fails the remote filter unless that filter keeps
    remote postings from anywhere (places.far)."""
    misses = [i for i, values in enumerate(wanted.values()) if values and cell[i] not in values]
    beyond = len(cell) > len(FACET_COLUMNS) and not cell[-1]
    if beyond and REMOTE not in misses and not places.far(wanted["remote"]):
        misses.append(REMOTE)
    return misses


def _facet_counts(cells: Counter, wanted: dict[str, list]) -> tuple[dict[str, Counter], int]:
    """Counts per facet value, each facet with the other filters and without its own
    (rule 4 of docs/design.md), and the number of postings that match every filter."""
    facets = list(FACET_COLUMNS)
    counts: dict[str, Counter[object]] = {facet: Counter() for facet in facets}
    total = 0
    for cell, n in cells.items():
        misses = _misses(cell, wanted)
        if not misses:
            total += n
            for i, facet in enumerate(facets):
                counts[facet][cell[i]] += n
        elif len(misses) == 1:  # it counts for the one facet whose filter it fails
            counts[facets[misses[0]]][cell[misses[0]]] += n
    return counts, total


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
    rows = (
        FacetCount.objects.filter(language=language, n__gt=0)
        .values_list("country")
        .annotate(total=Sum("n"))
        .order_by()
    )
    counts = Counter(dict(rows))
    counts.subtract({cell[0]: n for cell, n in _not_live_published(language, ["country"]).items()})
    return _countries(+counts, [])


def _scored_matches(language: str, filters: Filters) -> list[tuple]:
    """(score, published_at, id, *cell) of every posting that matches the text and the other
    filters that are not facets: one pass over the matches serves the facets and the page."""
    # Relevance, fading with age: a month-old posting needs twice the rank of today's.
    age_in_months = RawSQL(
        "extract(epoch from now() - published_at) / 2592000.0", (), output_field=FloatField()
    )
    rank = SearchRank(F("search_vector"), search_query(language, filters.q))
    return list(
        filter_postings(language, filters)
        .annotate(score=rank / (1 + age_in_months))
        .values_list("score", "published_at", "id", *_cell_columns(filters))
    )


def search(
    language: str, filters: Filters, categories: list[Category], *, page: int, per_page: int
) -> Results:
    """One page of the postings in `language` matching the filters, with every facet and the
    total."""
    wanted = filters.facets()
    text = filters.q
    if text:
        matches = _scored_matches(language, filters)
        counts, total = _facet_counts(Counter(match[3:] for match in matches), wanted)
    else:
        counts, total = _facet_counts(_cells(language, filters), wanted)
    number = max(1, min(page, MAX_PAGES, -(-total // per_page)))
    start = (number - 1) * per_page
    if not total:
        postings = []
    elif text:
        kept = [match for match in matches if not _misses(match[3:], wanted)]
        if filters.sort == "date":
            kept.sort(key=lambda match: match[1:3], reverse=True)
        else:
            kept.sort(reverse=True)  # score, then date, then id
        ids = [match[2] for match in kept[start : start + per_page]]
        found = Posting.objects.select_related("company").in_bulk(ids)
        postings = [found[pk] for pk in ids]
    else:
        postings = list(matching(language, filters)[start : start + per_page])
    results = Results(
        postings=postings,
        total=total,
        number=number,
        per_page=per_page,
        facets={
            "country": _countries(counts["country"], wanted["country"]),
            "category": _listed(
                [(c.id, c.slug, c.name) for c in categories], counts["category"], wanted["category"]
            ),
            "type": _listed(
                [(key, key, label) for key, label in Posting.EmploymentType.choices],
                counts["type"],
                wanted["type"],
            ),
            "remote": _listed(
                [(key, key, label) for key, label in Posting.Remote.choices],
                counts["remote"],
                wanted["remote"],
            ),
        },
    )
    if text and results.postings:
        _add_snippets(language, results.postings, text)
    elif text and not total:
        results.suggestion = did_you_mean(language, text)
    return results


def _add_snippets(language: str, postings: list[Posting], text: str) -> None:
    """Highlighted extracts of the text around the matched words, for the rows shown only."""
    # The accent-insensitive analysis, so that "developpeur" highlights "Développeur", and the
    # query as typed too, since the text shown is not folded ("développeuse").
    config = configs_for(language)[1]
    query = search_query(language, text) | SearchQuery(text, search_type="websearch", config=config)
    headlines = dict(
        Posting.objects.filter(pk__in=[posting.pk for posting in postings])
        .annotate(
            headline=SearchHeadline(
                "description",
                query,
                config=config,
                start_sel=_MARK_START,
                stop_sel=_MARK_STOP,
                max_words=30,
                min_words=12,
            )
        )
        .values_list("pk", "headline")
    )
    for posting in postings:
        posting.snippet = _mark(headlines.get(posting.pk, ""))


def _mark(headline: str) -> SafeString:
    text = escape(unescape(strip_tags(headline)), quote=False)
    return mark_safe(text.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>"))  # noqa: S308


def did_you_mean(language: str, text: str) -> str:
    """The live title in `language` closest to the query, by trigram similarity."""
    return (
        Posting.objects.live()
        .in_language(language)
        .filter(title__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("title", text))
        .order_by("-similarity", "-published_at")
        .values_list("title", flat=True)
        .first()
        or ""
    )
