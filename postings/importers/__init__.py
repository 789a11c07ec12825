"""Importing postings: format readers yield numbered rows, `import_rows` validates and upserts.

A bad row is reported with its number and reason and never stops the good ones.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from babel.numbers import list_currencies
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_countries import countries

from ..models import Category, Company, Posting, slug_for


class UnreadableFile(Exception):
    """The file as a whole cannot be read: nothing was imported."""


def open_feed(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as error:
        raise UnreadableFile(f"cannot open {path}: {error.strerror}") from None


@dataclass
class RowError:
    row: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The external ids of every row, rejected ones included: a full sync keeps them.
    seen: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


class ImportRowForm(forms.Form):
    """The native import format of DESIGN.md, one row."""

    external_id = forms.CharField(max_length=200)
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    title = forms.CharField(max_length=200)
    company = forms.CharField(max_length=200)
    country = forms.ChoiceField(choices=lambda: [(c.code, c.name) for c in countries])
    city = forms.CharField(max_length=120, required=False)
    remote = forms.ChoiceField(choices=Posting.Remote.choices, required=False)
    employment_type = forms.ChoiceField(choices=Posting.EmploymentType.choices, required=False)
    category = forms.SlugField(required=False)
    description = forms.CharField(max_length=50_000)
    responsibilities = forms.CharField(max_length=50_000, required=False)
    requirements = forms.CharField(max_length=50_000, required=False)
    nice_to_have = forms.CharField(max_length=50_000, required=False)
    salary_min = forms.IntegerField(min_value=0, max_value=100_000_000, required=False)
    salary_max = forms.IntegerField(min_value=0, max_value=100_000_000, required=False)
    salary_currency = forms.CharField(max_length=3, required=False)
    salary_period = forms.ChoiceField(choices=Posting.SalaryPeriod.choices, required=False)
    apply_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    apply_email = forms.EmailField(required=False)
    published_at = forms.DateTimeField(required=False)
    expires_at = forms.DateTimeField(required=False)
    status = forms.ChoiceField(
        choices=[(Posting.Status.PUBLISHED, "published"), (Posting.Status.DRAFT, "draft")],
        required=False,
    )

    def __init__(self, row: dict, *, category_ids: dict[str, int]) -> None:
        data = {key: value for key, value in row.items() if key in self.base_fields}
        for key in ("country", "salary_currency"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip().upper()
        super().__init__(data)
        self.category_ids = category_ids

    def clean(self) -> dict:
        for key, value in self.data.items():
            if value is not None and not isinstance(value, str | int | float):
                self.add_error(key, "must be a string or a number")
        data = super().clean()
        slug = data.get("category")
        if slug and slug not in self.category_ids:
            self.add_error("category", f"unknown category {slug!r}")
        currency = data.get("salary_currency")
        if currency and currency not in list_currencies():
            self.add_error("salary_currency", f"{currency!r} is not an ISO 4217 currency code")
        published_at, expires_at = data.get("published_at"), data.get("expires_at")
        if published_at and expires_at and expires_at <= published_at:
            self.add_error("expires_at", "must be after published_at")
        return data


def _company(name: str) -> Company:
    company = Company.objects.filter(name=name).first()
    if company is not None:
        return company
    base = slug_for(name) or "company"
    slug, suffix = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return Company.objects.create(name=name, slug=slug)


def _upsert(data: dict, *, source: str, category_ids: dict[str, int]) -> str:
    """Create or update one posting; returns "created", "updated" or "unchanged"."""
    posting = Posting.objects.filter(source=source, external_id=data["external_id"]).first()
    created = posting is None
    if posting is None:
        posting = Posting(source=source, external_id=data["external_id"])
    before = {name: getattr(posting, name) for name in IMPORTED_FIELDS}

    posting.company = _company(data["company"])
    posting.category_id = category_ids.get(data["category"]) if data["category"] else None
    for name in SIMPLE_FIELDS:
        setattr(posting, name, data[name])
    posting.remote = data["remote"] or Posting.Remote.ONSITE
    posting.employment_type = data["employment_type"] or Posting.EmploymentType.FULL_TIME
    posting.salary_currency = data["salary_currency"] or ""
    posting.salary_period = data["salary_period"] or ""
    posting.published_at = data["published_at"] or posting.published_at
    posting.expires_at = data["expires_at"]
    status = data["status"]
    if not status:
        # Unsaid, a new row is published; a posting held in review, closed or drafted stays so.
        keep = (Posting.Status.DRAFT, Posting.Status.PENDING, Posting.Status.CLOSED)
        status = posting.status if not created and posting.status in keep else "published"
    if status == Posting.Status.PUBLISHED:
        posting.publish()
        # A feed that republishes an expired posting with a later expiry brings it back.
        if posting.expires_at and posting.expires_at <= timezone.now():
            posting.status = Posting.Status.EXPIRED
    else:
        posting.status = status
    posting.full_clean(exclude=["slug"])
    if not created and before == {name: getattr(posting, name) for name in IMPORTED_FIELDS}:
        return "unchanged"
    posting.save()
    return "created" if created else "updated"


SIMPLE_FIELDS = (
    "language",
    "title",
    "country",
    "city",
    "description",
    "responsibilities",
    "requirements",
    "nice_to_have",
    "salary_min",
    "salary_max",
    "apply_url",
    "apply_email",
)
IMPORTED_FIELDS = (
    *SIMPLE_FIELDS,
    "company_id",
    "category_id",
    "remote",
    "employment_type",
    "salary_currency",
    "salary_period",
    "published_at",
    "expires_at",
    "status",
)


def _reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def import_rows(
    rows: Iterable[tuple[int, dict | RowError]],
    *,
    source: str,
    defaults: dict | None = None,
    company: Company | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and upsert each row in its own transaction, keyed on (source, external_id).

    `defaults` fill the fields a row leaves out (a feed's language, say); a `company` owns every
    row whatever the row says; `progress` hears the number of rows read, every 500 rows."""
    report = ImportReport()
    category_ids = dict(Category.objects.values_list("slug", "id"))
    for count, (number, row) in enumerate(rows, start=1):
        if progress and count % 500 == 0:
            progress(count)
        if isinstance(row, dict) and isinstance(row.get("external_id"), str | int):
            report.seen.add(str(row["external_id"]))
        if isinstance(row, RowError):
            report.errors.append(row)
            continue
        if not isinstance(row, dict):
            report.errors.append(RowError(number, "a row must be a JSON object"))
            continue
        owner = {"company": company.name} if company else {}
        form = ImportRowForm({**(defaults or {}), **row, **owner}, category_ids=category_ids)
        if not form.is_valid():
            report.errors.append(RowError(number, _reason(ValidationError(form.errors.as_data()))))
            continue
        try:
            with transaction.atomic():
                outcome = _upsert(form.cleaned_data, source=source, category_ids=category_ids)
        except ValidationError as error:
            report.errors.append(RowError(number, _reason(error)))
            continue
        except DatabaseError as error:
            report.errors.append(RowError(number, f"database refused the row: {error}"))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
