"""The postings as a table, for the admin's CSV download."""

from collections.abc import Iterator

from django.db.models import QuerySet

from .models import Posting

POSTING_COLUMNS = [
    "id",
    "title",
    "company",
    "language",
    "country",
    "city",
    "status",
    "published_at",
    "expires_at",
    "external_id",
]


def posting_rows(postings: QuerySet[Posting]) -> Iterator[list]:
    """One row per posting, in the order of POSTING_COLUMNS."""
    for posting in postings.select_related("company").order_by("id"):
        yield [
            posting.pk,
            posting.title,
            posting.company.name,
            posting.language,
            # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
            posting.country.code,  # type: ignore[attr-defined]
            posting.city,
            posting.status,
            posting.published_at,
            posting.expires_at,
            posting.external_id,
        ]
