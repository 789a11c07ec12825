"""Public reads that need more than a queryset method: filtering, search and facets.

Everything here starts from `Posting.objects.public()` (live, in the active language).
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, F, QuerySet
from django.utils import translation
from django_countries import countries

from .collation import collated
from .models import Category, Posting

# PostgreSQL text-search configurations; `simple` where PostgreSQL has no stemmer.
SEARCH_CONFIGS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pl": "simple",
    "pt": "portuguese",
}

# Query-string parameter -> Posting field.
FACET_FIELDS = {
    "country": "country",
    "category": "category__slug",
    "type": "employment_type",
    "remote": "remote",
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def search_config() -> str:
    return SEARCH_CONFIGS.get(translation.get_language(), "simple")


def filter_postings(filters: dict, *, without: str | None = None) -> QuerySet[Posting]:
    """Live postings in the active language matching `filters`, minus the facet `without`."""
    postings = Posting.objects.public()
    for name, field in FACET_FIELDS.items():
        value = filters.get(name)
        if not value or name == without:
            continue
        if isinstance(value, list):
            postings = postings.filter(**{f"{field}__in": value})
        else:
            postings = postings.filter(**{field: value})
    if query := filters.get("q"):
        config = search_config()
        vector = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("company__name", weight="B", config=config)
            + SearchVector(
                "description", "responsibilities", "requirements", weight="C", config=config
            )
        )
        search = SearchQuery(query, search_type="websearch", config=config)
        postings = postings.annotate(search=vector).filter(search=search)
        if without is None:
            postings = postings.annotate(rank=SearchRank(F("search"), search))
    return postings


def search_postings(filters: dict) -> QuerySet[Posting]:
    postings = filter_postings(filters).select_related("company")
    if filters.get("q"):
        return postings.order_by("-rank", "-published_at", "-id")
    return postings.order_by("-published_at", "-id")


def _counts(filters: dict, facet: str) -> dict[str, int]:
    field = FACET_FIELDS[facet]
    rows = (
        filter_postings(filters, without=facet)
        .order_by()
        .values_list(field)
        .annotate(n=Count("id"))
    )
    return {value: n for value, n in rows if value is not None}


def country_facet(filters: dict) -> list[FacetValue]:
    """Countries with live postings in the active language, named in it, in its collation order.

    A facet lists the values with live postings, plus the selected ones (at 0) so that a visitor
    can see and undo a filter that matches nothing here.
    """
    selected = set(filters.get("country", []))
    counts = _counts(filters, "country")
    values = [
        FacetValue(code, countries.name(code), counts.get(code, 0), code in selected)
        for code in counts.keys() | selected
    ]
    return collated(values, key=lambda facet: facet.label)


def _listed(choices: list[tuple[str, str]], counts: dict[str, int], selected) -> list[FacetValue]:
    return [
        FacetValue(value, label, counts.get(value, 0), value == selected)
        for value, label in choices
        if value in counts or value == selected
    ]


def category_facet(filters: dict, categories: list[Category]) -> list[FacetValue]:
    choices = [(category.slug, category.name) for category in categories]
    return _listed(choices, _counts(filters, "category"), filters.get("category"))


def facets(filters: dict, categories: list[Category]) -> dict[str, list[FacetValue]]:
    """Counts for every facet, each with every other filter applied and its own removed."""
    return {
        "country": country_facet(filters),
        "category": category_facet(filters, categories),
        "type": _listed(
            Posting.EmploymentType.choices, _counts(filters, "type"), filters.get("type")
        ),
        "remote": _listed(
            Posting.Remote.choices, _counts(filters, "remote"), filters.get("remote")
        ),
    }
