"""Importing postings: format readers yield numbered rows, `import_rows` validates them and
upserts them in chunks, one transaction per chunk.

A bad row is reported with its number and reason and never stops the good ones.
"""

import collections
import functools
import hashlib
import itertools
import json
import operator
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from babel.numbers import list_currencies
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import DEFERRED
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from ..html import sanitize
from ..models import Category, Company, Posting, date_errors, slug_for


class UnreadableFile(Exception):
    """The file as a whole cannot be read: nothing was imported."""


# A parser holds the value it is reading (a JSON string or number, an XML tag or comment) whole
# until that value ends, and Python builds it, at up to 4 bytes a character, only then: a feed
# that goes on for more than this many bytes without a value ending stops being read there. A
# posting's longest field is 50,000 characters (300 KB even escaped as \uXXXX).
MAX_VALUE_BYTES = 2**20


class ValueTooLong(Exception):
    """A single value of the feed runs past MAX_VALUE_BYTES: the parser cannot go on without
    holding it, so the file is not read past it."""

    def __init__(self) -> None:
        super().__init__(
            _("a single value is longer than %(count)s bytes") % {"count": f"{MAX_VALUE_BYTES:,}"}
        )


def open_feed(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as error:
        raise UnreadableFile(
            _("cannot open %(path)s: %(error)s") % {"path": path.name, "error": error.strerror}
        ) from None


@dataclass
class RowError:
    row: int
    reason: str
    # The feed cannot be read past this row (a broken JSON array, XML document or CSV quote): a
    # full sync must not close the postings it did not get to.
    final: bool = False


@dataclass
class ChunkReport:
    """What one chunk did; `import_rows` hands it over inside the chunk's transaction."""

    rows: int = 0  # rows read from the feed, rejected ones included
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The external ids of every row, rejected ones included: a full sync keeps them.
    seen: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The counts of a whole import (a resumed run's include the rows it skipped)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # The error past which the feed could not be read (a broken or cut file), if any.
    broken: RowError | None = None

    def add(self, chunk: ChunkReport) -> None:
        self.rows += chunk.rows
        self.created += chunk.created
        self.updated += chunk.updated
        self.unchanged += chunk.unchanged
        self.rejected += len(chunk.errors)
        self.broken = self.broken or next((error for error in chunk.errors if error.final), None)


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
    # Checked against a set: a ChoiceField would walk 250 translated names for every row.
    country = forms.CharField(max_length=2)
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
            if isinstance(data.get(key), str):
                data[key] = data[key].strip().upper()
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
            raise ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": code},
            )
        return code

    def clean(self) -> dict:
        for key, value in self.data.items():
            if value is not None and not isinstance(value, str | int | float):
                self.add_error(key, _("must be a string or a number"))
        data = super().clean()
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
# What an update writes: the imported fields by name, and what follows from them.
WRITTEN_FIELDS = [
    *(name.removesuffix("_id") for name in IMPORTED_FIELDS),
    "slug",
    "search_context",
    "import_hash",
    "updated_at",
]


def _reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class _Companies:
    """Companies by name, created on first use, cached for the whole import."""

    def __init__(self) -> None:
        self.by_name: dict[str, Company] = {}

    def load(self, names: set[str]) -> None:
        missing = names - self.by_name.keys()
        if missing:
            self.by_name.update(Company.objects.in_bulk(missing, field_name="name"))

    def get(self, name: str) -> Company:
        company = self.by_name.get(name)
        if company is None:
            base = slug_for(name) or "company"
            slug, suffix = base, 2
            while Company.objects.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            company = self.by_name[name] = Company.objects.create(name=name, slug=slug)
        return company


def _apply(
    posting: Posting, data: dict, *, company: Company, category: Category | None, review: bool
) -> None:
    """Set the fields of `posting` from a validated row, as a recruiter's save would; with
    `review`, a new posting or a change to an approved one waits for a moderator instead of going
    live, as a recruiter's would."""
    created = posting.pk is None
    approved = None
    if review and posting.status in (Posting.Status.PUBLISHED, Posting.Status.EXPIRED):
        approved = _reviewed(posting)
    posting.company = company
    posting.category = category
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
    if status == Posting.Status.PUBLISHED and review and _reviewed(posting) != approved:
        posting.queue_for_review()
    elif status == Posting.Status.PUBLISHED:
        posting.publish()
        # A feed that republishes an expired posting with a later expiry brings it back.
        if posting.expires_at and posting.expires_at <= timezone.now():
            posting.status = Posting.Status.EXPIRED
    else:
        posting.status = status
    # Sanitises the HTML and checks the salary. The form has checked each field by the model's
    # rules, and the database checks the rest (a refused row is then retried alone): full_clean
    # would check choices again and query for the company, the category and the unique key.
    posting.clean()
    posting.slug = slug_for(posting.title) or "job"
    posting.search_context = posting.build_search_context()


def _reviewed(posting: Posting) -> list:
    """What a moderator approves of a posting: its imported fields but the status and dates,
    the HTML as it is stored."""
    return [
        sanitize(getattr(posting, name)) if name in Posting.HTML_FIELDS else getattr(posting, name)
        for name in IMPORTED_FIELDS
        if name not in ("status", "published_at", "expires_at")
    ]


class _Chunk:
    """Validated rows of one chunk, written with a few statements."""

    def __init__(
        self, *, source: str, company: Company | None, categories: dict[int, Category]
    ) -> None:
        self.source = source
        self.company = company
        # The rows of a company (its feeds, its partner API) follow its review policy; the
        # operator's, which name their companies, publish.
        self.review = company is not None and not company.publishes_without_review()
        self.categories = categories
        self.category_ids = {category.slug: pk for pk, category in categories.items()}
        # A new posting's fields, positionally as Model.from_db passes them: the keyword path of
        # Model.__init__ costs three times as much. Posting's defaults are constants, and the
        # generated columns stay unset (deferred) as they would.
        self.new_posting = [
            DEFERRED if model_field.generated else model_field.get_default()
            for model_field in Posting._meta.concrete_fields
        ]

    def write(
        self, valid: list[tuple[int, dict, str]], report: ChunkReport, companies: _Companies
    ) -> None:
        # A feed that repeats a posting within a chunk: the later row updates the earlier.
        part: list[tuple[int, dict, str]] = []
        keys: set[tuple[str, str]] = set()
        for item in valid:
            key = (item[1]["company"], item[1]["external_id"])
            if key in keys:
                self._write_part(part, report, companies)
                part, keys = [], set()
            part.append(item)
            keys.add(key)
        self._write_part(part, report, companies)

    def _write_part(
        self, part: list[tuple[int, dict, str]], report: ChunkReport, companies: _Companies
    ) -> None:
        companies.load({data["company"] for _, data, _ in part})
        postings = Posting.objects.filter(
            source=self.source, external_id__in=[data["external_id"] for _, data, _ in part]
        )
        if self.company:
            postings = postings.filter(company=self.company)
        existing = {
            (posting.company_id, posting.external_id): posting
            for posting in postings.defer("search_vector")
        }
        now = timezone.now()
        fresh, updates, rehashed = [], [], []
        for number, data, digest in part:
            # The company first: creating one is a query, which cannot run while a COPY streams.
            company = companies.get(data["company"])
            posting = existing.get((company.pk, data["external_id"]))
            if posting is not None and posting.import_hash == digest:
                report.unchanged += 1
                continue
            category_id = self.category_ids.get(data["category"]) if data["category"] else None
            category = self.categories.get(category_id) if category_id else None
            row = _Row(number, data, digest, company, category)
            if posting is None:
                fresh.append(row)
                continue
            before = {name: getattr(posting, name) for name in IMPORTED_FIELDS}
            if not _applied(posting, row, report, review=self.review):
                continue
            if before == {name: getattr(posting, name) for name in IMPORTED_FIELDS}:
                # Same postings from a differently spelt row (or one imported before hashes):
                # remember the hash, leave updated_at alone.
                rehashed.append((number, posting))
            else:
                posting.updated_at = now
                updates.append((number, posting))
        report.created += self._create(fresh, report)
        report.updated += self._save(updates, report, fields=WRITTEN_FIELDS)
        report.unchanged += self._save(rehashed, report, fields=["import_hash"])

    def _create(self, fresh: list["_Row"], report: ChunkReport) -> int:
        """Insert new postings with one COPY, building each as the COPY streams: the database
        stores the first rows while Python builds the next. When the database refuses the COPY,
        the rows are inserted one by one, so that only the bad ones are rejected."""
        if not fresh:
            return 0
        built: list[tuple[int, Posting]] = []

        def postings() -> Iterator[Posting]:
            for row in fresh:
                posting = Posting(*self.new_posting)
                posting.source, posting.external_id = self.source, row.data["external_id"]
                if _applied(posting, row, report, review=self.review):
                    built.append((row.number, posting))
                    yield posting

        stream = postings()
        try:
            with transaction.atomic():
                _copy_in(stream)
            return len(built)
        except (IntegrityError, DataError):
            for _posting in stream:  # build the rows the refused COPY did not get to
                pass
        return _one_by_one(built, report, create=True)

    def _save(
        self, items: list[tuple[int, Posting]], report: ChunkReport, *, fields: list[str]
    ) -> int:
        """Update `items` in a few statements; when the database refuses them, row by row, so
        that only the bad rows are rejected. Lost connections and the like are not the rows'
        fault: they propagate, and the chunk is tried again."""
        if not items:
            return 0
        try:
            with transaction.atomic():
                Posting.objects.bulk_update(
                    [posting for _, posting in items], fields, batch_size=100
                )
            return len(items)
        except (IntegrityError, DataError):
            return _one_by_one(items, report, fields=fields)


@dataclass(slots=True)
class _Row:
    """A valid row that changes its posting, with what it refers to."""

    number: int
    data: dict
    digest: str
    company: Company
    category: Category | None


def _applied(posting: Posting, row: _Row, report: ChunkReport, *, review: bool) -> bool:
    try:
        _apply(posting, row.data, company=row.company, category=row.category, review=review)
    except ValidationError as error:
        report.errors.append(RowError(row.number, _reason(error)))
        return False
    posting.import_hash = row.digest
    return True


def _one_by_one(
    items: list[tuple[int, Posting]],
    report: ChunkReport,
    *,
    create: bool = False,
    fields: list[str] | None = None,
) -> int:
    """Write each posting in its own savepoint, through the ORM: its error says what the
    database refused."""
    written = 0
    for number, posting in items:
        try:
            with transaction.atomic():
                if create:
                    Posting.objects.bulk_create([posting])
                else:
                    Posting.objects.bulk_update([posting], fields)
        except (IntegrityError, DataError) as error:
            if create:
                posting.pk = None
            report.errors.append(RowError(number, f"database refused the row: {error}"))
        else:
            written += 1
    return written


# What a new posting's INSERT writes: every stored field but the key and the generated columns,
# read where a model instance keeps each field's database value, its __dict__ under the field's
# attname (Django's own test for a deferred field reads it there). The getattr of the country
# would build a django-countries object per row, which its get_prep_value would turn back.
_COPIED_FIELDS = [
    model_field
    for model_field in Posting._meta.concrete_fields
    if not model_field.primary_key and not model_field.generated
]
_copied_values = operator.itemgetter(*(model_field.attname for model_field in _COPIED_FIELDS))


def _copy_in(postings: Iterable[Posting]) -> None:
    """INSERT new postings with one COPY: the rows bulk_create would write, without the ORM's
    cost of preparing each value of each row (more than the database takes to store them). COPY
    fires the statement-level insert trigger once, as one INSERT does."""
    now = timezone.now()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model_field.column) for model_field in _COPIED_FIELDS)
    statement = f"COPY {quote(Posting._meta.db_table)} ({columns}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        for posting in postings:
            posting.created_at = posting.updated_at = now  # auto_now_add and auto_now
            copy.write_row(_copied_values(posting.__dict__))


def import_rows(
    rows: Iterable[tuple[int, dict | RowError]],
    *,
    source: str,
    defaults: dict | None = None,
    company: Company | None = None,
    skip: int = 0,
    chunk_size: int | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
) -> ImportReport:
    """Validate rows and upsert them keyed on (company, source, external_id), `chunk_size` rows
    to a transaction; `on_chunk` hears each chunk's report inside that transaction, so that what
    it records commits with the rows or not at all.

    `defaults` fill the fields a row leaves out (a feed's language, say); a `company` owns every
    row whatever the row says, and its review policy holds (Company.publishes_without_review);
    `skip` rows are read but not imported (a resumed run's done ones).
    """
    chunk_size = chunk_size or settings.IMPORT_CHUNK_SIZE
    report = ImportReport()
    rows = iter(rows)
    for _number, row in itertools.islice(rows, skip):
        report.rows += 1
        if isinstance(row, RowError) and row.final:
            report.broken = row
    chunk = _Chunk(source=source, company=company, categories=Category.objects.in_bulk())
    companies = _Companies()
    owner = {"company": company.name} if company else {}

    def write(chunk_report: ChunkReport, valid: list[tuple[int, dict, str]]) -> None:
        with transaction.atomic():
            chunk.write(valid, chunk_report, companies)
            chunk_report.errors.sort(key=lambda error: error.row)
            if on_chunk:
                on_chunk(chunk_report)
        report.add(chunk_report)

    writer: _Writer | None = None
    try:
        while batch := list(itertools.islice(rows, chunk_size)):
            # When another chunk follows, unless the caller holds a transaction whose writes
            # another connection would not see (a test's, say): a one-chunk import (the partner
            # API's) is not worth a thread and a connection.
            if writer is None and not connection.in_atomic_block:
                following = next(rows, None)
                if following is not None:
                    rows = itertools.chain([following], rows)
                    writer = _Writer(write)
            chunk_report = ChunkReport(rows=len(batch))
            valid = _validate(
                batch,
                chunk_report,
                source=source,
                company=company,
                category_ids=chunk.category_ids,
                defaults=defaults or {},
                owner=owner,
                settle=writer.settle if writer else None,
            )
            if writer:
                writer.put(chunk_report, valid)
            else:
                write(chunk_report, valid)
    except BaseException:
        if writer:
            writer.close(quietly=True)
        raise
    if writer:
        writer.close()
    return report


class _Writer:
    """Writes and commits chunks, one at a time and in order, in a thread with its own database
    connection, while the caller reads and validates the next chunk: the database computes a
    chunk's search vectors while Python checks the next one, instead of each waiting for the
    other. One chunk waits in a queue at most, so memory stays flat.

    Each chunk is written as `import_rows` writes it in line: its rows, report and the caller's
    checkpoint in one transaction, committed before the next chunk's begins. The caller reads
    the stored hashes of the next chunk while the writer may not have committed; `settle` waits
    for the writer first when that chunk lists a posting that a chunk not yet committed writes,
    so that every hash read is the one a run in line would read."""

    def __init__(self, write: Callable[[ChunkReport, list], None]) -> None:
        self.write = write
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.sent = self.done = 0  # chunks put, chunks written (or skipped after a failure)
        self.pending: collections.deque[tuple[int, set[str]]] = collections.deque()
        # Row errors made in the thread (the model's salary check) speak the caller's language.
        self.language = translation.get_language()
        self.thread = threading.Thread(target=self.run, name="import-writer", daemon=True)
        self.thread.start()

    def run(self) -> None:
        if self.language is None:
            translation.deactivate_all()
        else:
            translation.activate(self.language)
        try:
            while (item := self.queue.get()) is not None:
                try:
                    if self.error is None:  # after a failure, drain what the caller sent
                        self.write(*item)
                except BaseException as error:
                    self.error = error
                finally:
                    self.done += 1
                    self.queue.task_done()
        finally:
            connection.close()  # this thread's own connection

    def settle(self, external_ids: list[str]) -> None:
        while self.pending and self.pending[0][0] < self.done:
            self.pending.popleft()
        if any(not written.isdisjoint(external_ids) for _, written in self.pending):
            self.wait()

    def wait(self) -> None:
        self.queue.join()
        self.check()

    def put(self, chunk_report: ChunkReport, valid: list[tuple[int, dict, str]]) -> None:
        self.check()
        self.pending.append((self.sent, {data["external_id"] for _, data, _ in valid}))
        self.sent += 1
        self.queue.put((chunk_report, valid))

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self, *, quietly: bool = False) -> None:
        """Wait for the chunks sent (after a failure of the caller too: a chunk read is
        committed, as in line), then raise what failed in the thread."""
        self.queue.put(None)
        self.thread.join()
        if not quietly:
            self.check()


def _validate(
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
    valid, read = [], set()
    for number, merged, digest in rows:
        key = (str(merged.get("company")), str(merged.get("external_id")))
        # A repeated id may follow a changed row of the chunk: its stored hash is out of date.
        if key not in read and known.get(key) == digest:
            report.unchanged += 1
        else:
            form = ImportRowForm(merged, category_ids=category_ids)
            if form.is_valid():
                valid.append((number, form.cleaned_data, digest))
            else:
                errors = ValidationError(form.errors.as_data())
                report.errors.append(RowError(number, _reason(errors)))
        read.add(key)
    return valid
