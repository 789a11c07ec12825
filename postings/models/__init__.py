"""The app's models, by concern; `from postings.models import X` finds each of them here."""

from .categories import Category
from .cities import City, CityName
from .companies import Company, company_slug
from .imports import API_SOURCE, ImportRun, ImportRunSeen, ImportSource, cli_source
from .postings import DATES_AHEAD, Posting, PostingForReview, TransitionError, date_errors
from .querysets import PostingQuerySet
from .rates import ExchangeRate
from .search_rows import CommonMatch, CommonSearch, SearchRow
from .slugs import posting_slug, slug_for
from .stats import (
    CompanyDay,
    DataVersion,
    FacetCount,
    LanguageVersion,
    PostingDay,
    PostingTotal,
)

__all__ = [
    "API_SOURCE",
    "DATES_AHEAD",
    "Category",
    "City",
    "CityName",
    "CommonMatch",
    "CommonSearch",
    "Company",
    "CompanyDay",
    "DataVersion",
    "ExchangeRate",
    "FacetCount",
    "ImportRun",
    "ImportRunSeen",
    "ImportSource",
    "LanguageVersion",
    "Posting",
    "PostingDay",
    "PostingTotal",
    "PostingForReview",
    "PostingQuerySet",
    "SearchRow",
    "TransitionError",
    "cli_source",
    "company_slug",
    "date_errors",
    "posting_slug",
    "slug_for",
]
