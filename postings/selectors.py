"""Public reads that need more than a queryset method: filters, search, facets and paging.

The language is an argument of every read (the board's version the caller serves, read once
from the URL or the API's parameters), never the thread's active language, which is for labels
only. Postings are read through `Posting.objects.live().in_language(language)`. Facet counts
are read from `FacetCount`, the trigger-maintained counts of published postings, minus the
published postings that are not live (past their expiry before the sweep ran, or scheduled):
a few rows instead of a count over every posting.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape, unescape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Sum, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from .collation import collated
from .models import Category, FacetCount, Posting
from .search import configs_for, search_query

# Facet (query-string parameter) -> Posting column.
FACET_COLUMNS = dict(
    zip(("country", "category", "type", "remote"), FacetCount.FACET_COLUMNS, strict=True)
)
# Filters that FacetCount cannot answer: with any of them, facets count matching postings.
ROW_FILTERS = ("salary_min", "with_salary", "posted_within")
MAX_PAGES = 50
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
    with_salary: bool = False
    posted_within: int | None = None  # days
    sort: str = ""

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
    return postings


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
    if any(getattr(filters, name) for name in ROW_FILTERS):
        rows = (
            filter_postings(language, filters)
            .values_list(*columns)
            .annotate(n=Count("id"))
            .order_by()
        )
        return Counter({row[:-1]: row[-1] for row in rows})
    counted = FacetCount.objects.filter(language=language, n__gt=0).values_list(*columns, "n")
    cells = Counter({row[:-1]: row[-1] for row in counted})
    cells.subtract(_not_live_published(language, columns))
    return +cells  # drops the cells at zero


def _misses(cell: tuple, wanted: dict[str, list]) -> list[int]:
    """The positions of the facets whose filter the cell fails."""
    return [i for i, values in enumerate(wanted.values()) if values and cell[i] not in values]


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


def absent_countries(language: str, filters: Filters, results: Results) -> list[str]:
    """The countries of the filters with no live posting at all in `language`: a filter that
    can never match here, unlike a country whose jobs only miss the other filters. Asked only
    when a selected country counts 0 on the page."""
    empty = [
        facet.value for facet in results.facets["country"] if facet.selected and not facet.count
    ]
    if not empty:
        return []
    present = set(
        Posting.objects.live()
        .in_language(language)
        .filter(country__in=empty)
        .values_list("country", flat=True)
        .distinct()
        .order_by()
    )
    return [code for code in empty if code not in present]


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
        .values_list("score", "published_at", "id", *FACET_COLUMNS.values())
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
    """The title with the matched words highlighted, and an extract of the text around them
    (its start when only the title matches), for the rows shown only: one query."""
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
    headlines = {
        pk: (title, extract)
        for pk, title, extract in Posting.objects.filter(
            pk__in=[posting.pk for posting in postings]
        )
        .annotate(
            title_marked=SearchHeadline(
                "title",
                query,
                config=config,
                start_sel=_MARK_START,
                stop_sel=_MARK_STOP,
                highlight_all=True,
            ),
            extract=SearchHeadline(
                # ts_headline reads every tag as a space: without the inline ones first, so
                # that "<strong>GmbH</strong>:" stays "GmbH:".
                Func(
                    F("description"),
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
        )
        .values_list("pk", "title_marked", "extract")
    }
    for posting in postings:
        title, extract = headlines.get(posting.pk, ("", ""))
        if _MARK_START in title:
            posting.highlighted_title = _mark(escape(title, quote=False))
        posting.snippet = _extract(extract, posting.description)


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
    words = _plain(description).split()
    plain = shown.replace(_MARK_START, "").replace(_MARK_STOP, "").split()
    start = next((i for i in range(len(words)) if words[i : i + len(plain)] == plain), 0)
    before = "… " if start > 0 else ""
    after = " …" if start + len(plain) < len(words) else ""
    return _mark(f"{before}{escape(shown, quote=False)}{after}")


def _mark(escaped: str) -> SafeString:
    return mark_safe(escaped.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>"))  # noqa: S308


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
