"""Checking a row of the native format (ImportRowForm), and the chunk's rows before they are
written: unchanged rows are counted without being validated again."""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from babel.numbers import list_currencies
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from .. import codes, language
from ..models import Company, Posting, date_errors
from .rows import ChunkReport, RowError


class _SharedFields(dict):
    """Form fields that every instance shares: a form deep-copies its fields for each instance,
    which costs more than validating a row, and nothing here changes a field per row."""

    def __deepcopy__(self, memo: dict) -> "_SharedFields":
        return self


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


@functools.cache
def _currency_codes() -> frozenset[str]:
    # babel builds a new set of every currency at each call.
    return frozenset(list_currencies())


class _IntegerField(forms.IntegerField):
    def to_python(self, value: object) -> int | None:
        # A JSON number is its own value: the text path, int() of str() with a trailing ".0"
        # cut by a lazily compiled pattern, gives it back at four times the cost.
        if type(value) is int:
            return value
        return super().to_python(value)


class ImportRowForm(forms.Form):
    """The native import format (docs/contract.md), one row."""

    external_id = forms.CharField(max_length=200)
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    title = forms.CharField(max_length=200)
    company = forms.CharField(max_length=200)
    # Checked against a set: a ChoiceField would walk 250 translated names for every row. Longer
    # than a code, so that a country written by its name is told its code.
    country = forms.CharField(max_length=100)
    city = forms.CharField(max_length=120, required=False)
    remote = forms.ChoiceField(choices=Posting.Remote.choices, required=False)
    employment_type = forms.ChoiceField(choices=Posting.EmploymentType.choices, required=False)
    category = forms.SlugField(required=False)
    description = forms.CharField(max_length=50_000)
    responsibilities = forms.CharField(max_length=50_000, required=False)
    requirements = forms.CharField(max_length=50_000, required=False)
    nice_to_have = forms.CharField(max_length=50_000, required=False)
    salary_min = _IntegerField(min_value=0, max_value=100_000_000, required=False)
    salary_max = _IntegerField(min_value=0, max_value=100_000_000, required=False)
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
            value = data.get(key)
            # A code in lower case is still the code; a name keeps its spelling for the error.
            if isinstance(value, str) and len(value.strip()) <= 3:
                data[key] = value.strip().upper()
        # An import row is never shown as a form: no label suffix to translate for each row.
        super().__init__(data, label_suffix="")
        self.category_ids = category_ids

    def _clean_fields(self) -> None:
        # Form._clean_fields, without the BoundField it makes for each field of each row (a third
        # of a row's validation): with no prefix, no disabled field and no file field, a bound
        # field's data is its widget's value from the data, and the rest is the same.
        for name, form_field, clean_name, empty in _cleaners(type(self)):
            if empty is not _REQUIRED and name not in self.data:
                # What cleaning a field the row leaves out gives, worked out once: feeds name
                # about half of the fields, and each field's clean costs as much as its value.
                self.cleaned_data[name] = empty
                continue
            try:
                value = form_field.widget.value_from_datadict(self.data, self.files, name)
                self.cleaned_data[name] = form_field.clean(value)
                if clean_name:
                    self.cleaned_data[name] = getattr(self, clean_name)()
            except ValidationError as error:
                self.add_error(name, error)

    def clean_country(self) -> str:
        code = self.cleaned_data["country"]
        if code not in _country_codes():
            raise ValidationError(codes.country_error(code) or "", code="invalid_choice")
        return code

    def clean(self) -> dict[str, Any]:
        for key, value in self.data.items():
            if value is not None and not isinstance(value, str | int | float):
                self.add_error(key, _("must be a string or a number"))
        # A country given by name gets its hint from clean_country.
        if "language" in self.errors and (
            code := codes.language_code_for(self.data.get("language"))
        ):
            self.add_error("language", _("Did you mean “%(code)s”?") % {"code": code})
        super().clean()
        data = self.cleaned_data
        slug = data.get("category")
        if slug and slug not in self.category_ids:
            self.add_error("category", _("unknown category “%(slug)s”") % {"slug": slug})
        currency = data.get("salary_currency")
        if currency and currency not in _currency_codes():
            self.add_error(
                "salary_currency",
                _("“%(code)s” is not an ISO 4217 currency code") % {"code": currency},
            )
        for name, error in date_errors(data.get("published_at"), data.get("expires_at")).items():
            self.add_error(name, error)
        published_at, expires_at = data.get("published_at"), data.get("expires_at")
        if published_at and expires_at and expires_at <= published_at:
            self.add_error("expires_at", _("must be after published_at"))
        return data


ImportRowForm.base_fields = _SharedFields(ImportRowForm.base_fields)


_REQUIRED = object()


@functools.cache
def _cleaners(form: type[forms.Form]) -> tuple[tuple[str, forms.Field, str | None, object], ...]:
    """(name, field, name of the form's clean_<name> method or None, the cleaned value of the
    field when it is missing, or _REQUIRED when that is an error or needs the method) of each
    field."""
    cleaners = []
    for name, form_field in form.base_fields.items():
        clean_name = f"clean_{name}" if hasattr(form, f"clean_{name}") else None
        empty = _REQUIRED
        if not form_field.required and not clean_name:
            empty = form_field.clean(form_field.widget.value_from_datadict({}, {}, name))
        cleaners.append((name, form_field, clean_name, empty))
    return tuple(cleaners)


def row_hash(row: dict) -> str:
    """The fingerprint of a row as read (defaults and owner applied; fields in a fixed order,
    unknown ones left out): a row that did not change is skipped unvalidated and unwritten."""
    known = {key: value for key, value in row.items() if key in ImportRowForm.base_fields}
    canonical = json.dumps(known, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def texts(row: dict) -> tuple:
    """What the language check reads of a row."""
    return (row.get("title"), *map(row.get, Posting.HTML_FIELDS))


def reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def validate_chunk(
    batch: list[tuple[int, dict | RowError]],
    report: ChunkReport,
    *,
    source: str,
    company: Company | None,
    category_ids: dict[str, int],
    defaults: dict,
    owner: dict,
    settle: Callable[[list[str]], None] | None = None,
) -> list[tuple[int, dict, str]]:
    """(row number, cleaned data, hash) of the valid rows that changed; rows whose hash is the
    one stored on their posting are counted unchanged without being validated again, and
    rejected rows go to the report. `settle` hears the external ids before their stored hashes
    are read."""
    rows = []
    for number, row in batch:
        if isinstance(row, dict) and isinstance(row.get("external_id"), str | int):
            external_id = str(row["external_id"])
            if len(external_id) <= 200:  # longer ones are rejected and match no posting
                report.seen.append(external_id)
        if isinstance(row, RowError):
            report.errors.append(row)
        elif not isinstance(row, dict):
            report.errors.append(RowError(number, _("a row must be a JSON object")))
        else:
            merged = {**defaults, **row, **owner}
            rows.append((number, merged, row_hash(merged)))
    if settle:
        settle(report.seen)
    stored = Posting.objects.filter(source=source, external_id__in=report.seen)
    if company:
        stored = stored.filter(company=company)
    known = {
        (company_name, external_id): import_hash
        for company_name, external_id, import_hash in stored.values_list(
            "company__name", "external_id", "import_hash"
        )
    }
    changed, read = [], set()
    for number, merged, digest in rows:
        key = (str(merged.get("company")), str(merged.get("external_id")))
        # A repeated id may follow a changed row of the chunk: its stored hash is out of date.
        if key not in read and known.get(key) == digest:
            report.unchanged += 1
        else:
            changed.append((number, merged, digest))
        read.add(key)
    # A row without a language (the source has none either) is in its text's. Only those are
    # detected here, in one call for the chunk; the other rows' check waits for the writer, in
    # its thread (Chunk.write): the detector leaves the GIL to this one's validation meanwhile.
    unsaid = [i for i, (_, row, _) in enumerate(changed) if row.get("language") in (None, "")]
    found_in = language.detect_many([texts(changed[i][1]) for i in unsaid])
    detected = dict(zip(unsaid, found_in, strict=True))
    valid = []
    for i, (number, merged, digest) in enumerate(changed):
        missing, found = i in detected, detected.get(i, "")
        if found:
            merged = {**merged, "language": found}
        form = ImportRowForm(merged, category_ids=category_ids)
        if form.is_valid():
            checked = {"detected_language": found} if missing else {}
            valid.append((number, {**form.cleaned_data, **checked}, digest))
        else:
            if missing and not found:
                form.add_error(
                    "language", _("The text is too short to tell which language it is in.")
                )
            errors = ValidationError(form.errors.as_data())
            report.errors.append(RowError(number, reason(errors)))
    return valid
