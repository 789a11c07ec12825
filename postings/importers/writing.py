"""Writing a chunk's valid rows: the postings they change, updated in a few statements, and
the new ones inserted with one COPY; a row the database refuses is retried alone."""

import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import DEFERRED
from django.utils import timezone

from .. import language
from ..html import sanitize
from ..models import Category, Company, Posting, company_slug, posting_slug
from .rows import ChunkReport, RowError
from .validation import reason, texts

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
    "search_stems",
    "detected_language",
    "language_check",
    "import_hash",
    "updated_at",
]


class Companies:
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
            slug = company_slug(name)
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
    language.record(posting, data["detected_language"])
    posting.slug = posting_slug(posting.title)
    posting.fill_search_text()


def _reviewed(posting: Posting) -> list:
    """What a moderator approves of a posting: its imported fields but the status and dates,
    the HTML as it is stored."""
    return [
        sanitize(getattr(posting, name)) if name in Posting.HTML_FIELDS else getattr(posting, name)
        for name in IMPORTED_FIELDS
        if name not in ("status", "published_at", "expires_at")
    ]


class Chunk:
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
        self, valid: list[tuple[int, dict, str]], report: ChunkReport, companies: Companies
    ) -> None:
        # The language check of the rows that have not had it (all but those whose language it
        # gave), in one call for the chunk.
        unchecked = [data for _, data, _ in valid if "detected_language" not in data]
        for data, found in zip(
            unchecked, language.detect_many([texts(data) for data in unchecked]), strict=True
        ):
            data["detected_language"] = found
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
        self, part: list[tuple[int, dict, str]], report: ChunkReport, companies: Companies
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
        report.errors.append(RowError(row.number, reason(error)))
        return False
    posting.import_hash = row.digest
    return True


def _one_by_one(
    items: list[tuple[int, Posting]],
    report: ChunkReport,
    *,
    create: bool = False,
    fields: Sequence[str] = (),
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
# Every concrete field has a column; the test says so to the type checker.
_COPIED_COLUMNS = [model_field.column for model_field in _COPIED_FIELDS if model_field.column]
_copied_values = operator.itemgetter(*(model_field.attname for model_field in _COPIED_FIELDS))


def _copy_in(postings: Iterable[Posting]) -> None:
    """INSERT new postings with one COPY: the rows bulk_create would write, without the ORM's
    cost of preparing each value of each row (more than the database takes to store them). COPY
    fires the statement-level insert trigger once, as one INSERT does."""
    now = timezone.now()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COPIED_COLUMNS)
    statement = f"COPY {quote(Posting._meta.db_table)} ({columns}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        for posting in postings:
            posting.created_at = posting.updated_at = now  # auto_now_add and auto_now
            copy.write_row(_copied_values(posting.__dict__))
