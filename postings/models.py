import uuid
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, connections, models, router
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .addresses import private_host
from .html import sanitize
from .language import Check as LanguageCheck
from .search import SEARCH_VECTOR_SQL

# slugify drops letters that have no ASCII decomposition; spell the common ones out.
_SLUG_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
    }
)


def slug_for(text: str, *, max_length: int = 200) -> str:
    """An ASCII slug: "Planista łańcucha dostaw" -> "planista-lancucha-dostaw"."""
    return slugify(text.translate(_SLUG_LETTERS))[:max_length].strip("-")


def posting_slug(title: str) -> str:
    """The slug of a posting's links, from its title."""
    return slug_for(title) or "job"


def company_slug(name: str) -> str:
    """A free slug for a new company called `name`: its name's, numbered when taken."""
    base = slug_for(name) or "company"
    slug, suffix = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    website = models.URLField(_("website"), blank=True)
    logo_url = models.URLField(
        _("logo"),
        blank=True,
        # Shown on our https pages: a plain http image would be blocked as mixed content.
        validators=[URLValidator(schemes=["https"])],
        help_text=_("The address of a square logo image (PNG, JPEG or WebP, https)."),
    )
    description = models.TextField(_("description"), blank=True)
    trusted = models.BooleanField(
        _("publishes without review"),
        default=False,
        help_text=_("Its recruiters' postings go live when submitted, without a moderator."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("postings:company", kwargs={"slug": self.slug})

    def publishes_without_review(self) -> bool:
        """Whether its postings go live without a moderator: hand-written ones on submit, and
        those its feeds and its partner API send."""
        return self.trusted or not settings.POSTING_REVIEW_REQUIRED


class Category(models.Model):
    """Reference data: `name` is translated with django-modeltranslation (see translation.py)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # What modeltranslation adds at run time, for the type checker: its manager, and a column
    # per language of which the code reads the English one (required) by name.
    objects: ClassVar[models.Manager["Category"]]
    name_en: str

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("postings:list") + f"?category={self.slug}"


class PostingQuerySet(models.QuerySet["Posting"]):
    def live(self) -> "PostingQuerySet":
        now = timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Posting.Status.PUBLISHED,
            published_at__lte=now,
        )

    def in_language(self, language: str) -> "PostingQuerySet":
        return self.filter(language=language)

    def refresh_search_context(self) -> int:
        """Copy the company's name and the category's name (in each posting's language) into
        `search_context`, from which the database regenerates the search vector: for postings
        written without save() (bulk_create). Renames keep it by triggers (the migration
        search_context_on_rename)."""
        ids_sql, params = self.values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            # Interpolated: Django's own SQL; values are params.
            cursor.execute(
                f"""
                UPDATE postings_posting p
                SET search_context = postings_search_context(c.name, p.category_id, p.language)
                FROM postings_company c
                WHERE c.id = p.company_id AND p.id IN ({ids_sql})
                """,  # noqa: S608
                params,
            )
            return cursor.rowcount

    def translations_of(self, posting: "Posting") -> "PostingQuerySet":
        """Live postings of the same translation group, in the other languages."""
        if posting.translation_group is None:
            return self.none()
        return (
            self.live()
            .filter(translation_group=posting.translation_group)
            .exclude(language=posting.language)
        )


class TransitionError(ValueError):
    """A workflow step that the posting's status does not allow."""


# How far ahead a posting may be dated, whoever writes it (a feed, the partner API, a moderator):
# published at most a year from today, and expiring at most a year after its publication (or
# after today, for a posting renewed long after it was published). Far enough for any real
# posting; near enough that the workflow's date arithmetic (publish adds POSTING_DEFAULT_DAYS)
# never runs past the last date Python can hold.
DATES_AHEAD = timedelta(days=365)


def date_errors(published_at, expires_at, *, now=None) -> dict[str, ValidationError]:
    """The errors, by field, of a posting's dates past DATES_AHEAD."""
    now = now or timezone.now()
    errors = {}
    if published_at and published_at > now + DATES_AHEAD:
        errors["published_at"] = ValidationError(
            _("must not be more than a year in the future"), code="too_far_ahead"
        )
    if expires_at and expires_at > max(published_at or now, now) + DATES_AHEAD:
        errors["expires_at"] = ValidationError(
            _("must not be more than a year after the publication"), code="too_far_ahead"
        )
    return errors


class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed")

    class Remote(models.TextChoices):
        ONSITE = "onsite", _("On-site")
        HYBRID = "hybrid", _("Hybrid")
        REMOTE = "remote", _("Remote")

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        PART_TIME = "part_time", _("Part-time")
        CONTRACT = "contract", _("Contract")
        TEMPORARY = "temporary", _("Temporary")
        INTERNSHIP = "internship", _("Internship")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
        FREELANCE = "freelance", _("Freelance")

    class SalaryPeriod(models.TextChoices):
        HOUR = "hour", _("per hour")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, allow_unicode=False)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="postings", verbose_name=_("company")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="postings",
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    remote = models.CharField(
        _("remote work"), max_length=10, choices=Remote.choices, default=Remote.ONSITE
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    # Sanitised HTML (see postings.html.sanitize); never translated, never falls back.
    description = models.TextField(_("description"))
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    nice_to_have = models.TextField(_("nice to have"), blank=True)
    salary_min = models.PositiveIntegerField(_("minimum salary"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("maximum salary"), null=True, blank=True)
    salary_currency = models.CharField(_("salary currency"), max_length=3, blank=True)
    salary_period = models.CharField(
        _("salary period"), max_length=5, choices=SalaryPeriod.choices, blank=True
    )
    apply_url = models.URLField(_("application URL"), max_length=500, blank=True)
    apply_email = models.EmailField(_("application email"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Where an imported posting came from, in a namespace that nothing a user types can name:
    # "feed:<import source id>" (a company's feed in the panel), "cli:<name>" (the operator's
    # import_postings), "api" (the partner API), "demo" and "generated" (demo data). With the
    # company and the external id it identifies the posting for re-imports and full syncs.
    source = models.CharField(_("source"), max_length=120, blank=True)
    external_id = models.CharField(_("external ID"), max_length=200, blank=True)
    # The fingerprint of the imported row this posting was last written from: a re-import of the
    # same row is skipped without a write (see importers.row_hash).
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The same job written in several languages shares one group.
    translation_group = models.UUIDField(_("translation group"), null=True, blank=True)
    # The workflow: who wrote, submitted and reviewed it; a rejection's comment; when it was
    # last renewed, and when its owner was told that it expires soon.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("moderator's comment"), blank=True)
    refreshed_at = models.DateTimeField(_("renewed at"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(_("expiry warning sent at"), null=True, blank=True)
    # What a detector reads in the text, when it differs from `language` (see language.py).
    detected_language = models.CharField(_("detected language"), max_length=8, blank=True)
    # Empty until the text is checked (postings from before the check ran on every path).
    language_check = models.CharField(
        _("language check"), max_length=8, choices=LanguageCheck.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The company's name and the category's name in the posting's language, for the search
    # vector (a generated column reads only its own row); see refresh_search_context().
    search_context = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=RawSQL(SEARCH_VECTOR_SQL, ()),  # noqa: S611 (constant SQL, no input)
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The top of the salary range as a yearly amount (40-hour weeks), for the salary filter.
    salary_top_yearly = models.GeneratedField(
        expression=RawSQL(
            "CASE salary_period"
            " WHEN 'hour' THEN coalesce(salary_max, salary_min)::bigint * 2080"
            " WHEN 'month' THEN coalesce(salary_max, salary_min)::bigint * 12"
            " ELSE coalesce(salary_max, salary_min) END",
            (),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )

    objects = PostingQuerySet.as_manager()

    HTML_FIELDS = ("description", "responsibilities", "requirements", "nice_to_have")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        permissions = [("review_posting", _("Can approve or reject submitted postings"))]
        constraints = [
            # Source first: its index also serves the operator's lookups across companies.
            models.UniqueConstraint(
                fields=["source", "external_id", "company"],
                condition=~Q(external_id=""),
                name="posting_unique_import_identity",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="posting_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="posting_published_has_date",
            ),
        ]
        indexes = [
            # The live-in-language reads: lists, facets and counts.
            models.Index(
                fields=["language", "-published_at"],
                condition=Q(status="published"),
                name="posting_published_lang_idx",
            ),
            models.Index(
                fields=["language", "country", "-published_at"],
                condition=Q(status="published"),
                name="posting_published_country_idx",
            ),
            GinIndex(fields=["search_vector"], name="posting_search_idx"),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="posting_title_trgm_idx"),
            models.Index(fields=["translation_group"], name="posting_translation_group_idx"),
            # The expiry sweep and the page cache's "next change"; and, per language, the
            # published postings past their expiry that the facet counts subtract.
            models.Index(
                fields=["expires_at"],
                condition=Q(status="published"),
                name="posting_published_expiry_idx",
            ),
            models.Index(
                fields=["language", "expires_at"],
                condition=Q(status="published"),
                name="posting_published_lang_exp_idx",
            ),
            # The moderation queue, oldest first.
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="pending"),
                name="posting_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The slug follows the title; old links still work (the detail view redirects by id).
        self.slug = posting_slug(self.title)
        self.search_context = self.build_search_context()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return reverse("postings:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def get_image_url(self) -> str:
        """The link-preview picture (views.posting_image)."""
        with translation.override(self.language):
            return reverse("postings:image", kwargs={"pk": self.pk})

    def build_search_context(self) -> str:
        """As postings_search_context() does in SQL (the migration search_context_on_rename),
        for one posting about to be saved."""
        category = ""
        if self.category is not None:
            category = getattr(self.category, f"name_{self.language}", "") or self.category.name_en
        return " ".join(part for part in (self.company.name, category) if part)

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED:
            self.publish()  # a published posting has a publication date and an expiry
        for field in self.HTML_FIELDS:
            setattr(self, field, sanitize(getattr(self, field)))
        if (self.salary_min or self.salary_max) and not self.salary_currency:
            raise ValidationError({"salary_currency": _("Give the currency of the salary.")})
        if self.salary_min and self.salary_max and self.salary_min > self.salary_max:
            raise ValidationError(
                {"salary_max": _("The maximum salary cannot be lower than the minimum.")}
            )

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def is_gone(self) -> bool:
        """Was public once and is not any more: the page answers 410."""
        if self.status in (self.Status.EXPIRED, self.Status.CLOSED):
            return True
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    def publish(self, *, now=None) -> None:
        now = now or timezone.now()
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or now
        if self.expires_at is None:
            self.expires_at = self.published_at + timedelta(days=settings.POSTING_DEFAULT_DAYS)

    def _require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise TransitionError(
                _("This step is not possible for a posting that is %(status)s.")
                % {"status": self.get_status_display().lower()}
            )

    def submit(self, *, by, now=None) -> None:
        """Hand a draft to the moderators."""
        self._require(self.Status.DRAFT)
        self.status = self.Status.PENDING
        self.submitted_by, self.submitted_at = by, now or timezone.now()

    def resubmit(self, *, by, now=None) -> None:
        """Its authors changed a posting that was approved: back to the moderators, offline
        until they approve it again, so that only approved text is ever public."""
        self._require(self.Status.PUBLISHED, self.Status.EXPIRED)
        self.status = self.Status.PENDING
        self.submitted_by, self.submitted_at = by, now or timezone.now()

    def queue_for_review(self, *, now=None) -> None:
        """A row that a feed or the partner API of a company under review publishes goes to the
        moderators, offline until approved, whatever it was (one already waiting keeps its place
        in the queue)."""
        if self.status != self.Status.PENDING:
            self.status = self.Status.PENDING
            self.submitted_by, self.submitted_at = None, now or timezone.now()

    def approve(self, *, by, now=None) -> None:
        self._require(self.Status.PENDING)
        now = now or timezone.now()
        if self.expires_at is not None and self.expires_at <= now:
            # Changed after it expired: approving it puts it back online for a full period.
            self.expires_at = now + timedelta(days=settings.POSTING_DEFAULT_DAYS)
        self.reviewed_by, self.review_comment = by, ""
        self.publish(now=now)

    def reject(self, *, by, comment: str) -> None:
        """Back to its authors as a draft, with the moderator's reasons."""
        self._require(self.Status.PENDING)
        self.status = self.Status.DRAFT
        self.reviewed_by, self.review_comment = by, comment

    def renew(self, *, now=None) -> None:
        """Another full duration from now; an expired posting goes live again."""
        self._require(self.Status.PUBLISHED, self.Status.EXPIRED)
        now = now or timezone.now()
        self.status = self.Status.PUBLISHED
        self.expires_at = now + timedelta(days=settings.POSTING_DEFAULT_DAYS)
        self.refreshed_at, self.expiry_warned_at = now, None

    def close(self) -> None:
        """Filled, or withdrawn: gone from the site, kept for its owners."""
        self._require(self.Status.PUBLISHED, self.Status.EXPIRED, self.Status.PENDING)
        self.status = self.Status.CLOSED

    def join_translation_group(self, other: "Posting") -> None:
        if other.translation_group is None:
            other.translation_group = uuid.uuid4()
            other.save(update_fields=["translation_group", "updated_at"])
        self.translation_group = other.translation_group


class FacetCount(models.Model):
    """How many published postings share one combination of facet values.

    Kept exact by a database trigger on postings (migration 0006), in the same transaction as
    the write, whatever path wrote: admin, importer, expiry sweep, bulk loads. Facets and the
    country list read these few rows instead of counting postings.
    """

    language = models.CharField(max_length=8)
    country = models.CharField(max_length=2)
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    employment_type = models.CharField(max_length=20)
    remote = models.CharField(max_length=10)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "language",
                "country",
                Coalesce("category", 0),
                "employment_type",
                "remote",
                name="facetcount_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        cell = (self.language, self.country, self.category_id, self.employment_type, self.remote)
        return f"{cell}: {self.n}"


class DataVersion(models.Model):
    """One row whose `n` database triggers bump on every write to postings, companies and
    categories (migrations 0004 and 0006): the page cache's key in the previous release, which
    reads it while a deploy rolls or after a rollback. Still bumped (migration 0014); dropped in
    the next release, with its bump, once no running code reads it."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.n)


class LanguageVersion(models.Model):
    """The data version of one language's pages, which the triggers of migration 0014 bump in
    the same transaction as a write that changes what they show: a posting in the language, a
    company with postings in it, any category. The key of its page cache (see caching.py)."""

    language = models.CharField(max_length=8, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.language}: {self.n}"


class PostingDay(models.Model):
    """A posting's page views and apply clicks on one day: counts only, no cookie, no address,
    no user agent kept."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    applies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "day"], name="postingday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.day}: {self.views}/{self.applies}"

    @classmethod
    def record(cls, posting_id: int, *, apply: bool = False) -> None:
        """One view (or apply click) today, in one statement whatever the concurrency."""
        # Through the router: the write goes to the primary, and the page's later reads with it.
        with connections[router.db_for_write(cls)].cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO postings_postingday (posting_id, day, views, applies)
                VALUES (%s, (now() AT TIME ZONE 'UTC')::date, %s, %s)
                ON CONFLICT (posting_id, day) DO UPDATE SET
                    views = postings_postingday.views + excluded.views,
                    applies = postings_postingday.applies + excluded.applies
                """,
                [posting_id, 0 if apply else 1, 1 if apply else 0],
            )


class PostingForReview(Posting):
    """The moderators' queue: pending postings, oldest first (its own admin)."""

    class Meta:
        proxy = True
        verbose_name = _("posting to review")
        verbose_name_plural = _("moderation queue")


API_SOURCE = "api"


def cli_source(name: str) -> str:
    """The source of the postings that `import_postings --source NAME` writes."""
    return f"cli:{name}"


class ImportSource(models.Model):
    """A company's feed, uploaded or fetched from a URL: each run upserts its rows as postings of
    its company under `posting_source`, which renaming the source leaves alone."""

    class Format(models.TextChoices):
        AUTO = "auto", _("Detect")
        JSON = "json", _("JSON or JSON Lines")
        CSV = "csv", _("CSV")
        XML = "xml", _("XML (job aggregator)")
        JSONLD = "jsonld", _("schema.org JSON-LD")

    class Schedule(models.TextChoices):
        MANUAL = "manual", _("Manual only")
        HOURLY = "hourly", _("Every hour")
        DAILY = "daily", _("Every day")

    INTERVALS: dict[str, timedelta] = {
        Schedule.HOURLY: timedelta(hours=1),
        Schedule.DAILY: timedelta(days=1),
    }

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="import_sources", verbose_name=_("company")
    )
    name = models.SlugField(_("name"), max_length=100, unique=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default="auto")
    feed = models.FileField(_("feed file"), upload_to="feeds/", blank=True)
    url = models.URLField(
        _("feed URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Fetched at each run instead of an uploaded file."),
    )
    schedule = models.CharField(
        _("schedule"),
        max_length=10,
        choices=Schedule.choices,
        default=Schedule.MANUAL,
        help_text=_("How often the feed URL is fetched and imported."),
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    full_sync = models.BooleanField(
        _("full sync"),
        default=False,
        help_text=_("Close the source's published postings that are missing from the feed."),
    )
    # The validators of the last fetch, sent back so that an unchanged feed answers 304.
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=64, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, editable=False)
    next_run_at = models.DateTimeField(_("next run at"), null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
        constraints = [
            models.CheckConstraint(
                condition=(Q(feed="") & ~Q(url="")) | (~Q(feed="") & Q(url="")),
                name="importsource_feed_or_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def posting_source(self) -> str:
        return f"feed:{self.pk}"

    def clean(self) -> None:
        if bool(self.feed) == bool(self.url):
            raise ValidationError(_("Give either a feed file or a feed URL, not both."))
        if self.schedule != self.Schedule.MANUAL and not self.url:
            raise ValidationError({"schedule": _("Only a feed URL can be imported on a schedule.")})
        if self.url and not settings.IMPORT_ALLOW_PRIVATE_ADDRESSES and private_host(self.url):
            raise ValidationError({"url": _("Feeds are fetched from the public internet only.")})


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    source = models.ForeignKey(
        ImportSource, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The checkpoint: rows read and committed, rejected ones included. Counts, rejected rows and
    # this number are written by each chunk's transaction; a resumed run skips that many rows.
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    # Workers that started on this checkpoint and neither committed a chunk nor came back with
    # an error: they were killed (out of memory, say). Past IMPORT_MAX_DEATHS the run fails
    # instead of being delivered again and again to workers that die on the same rows.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"row": 3, "reason": "country: ..."}, ...]
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Messages and row errors are written in the language of whoever queued the run.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # A fetched feed is kept until the run ends, so that a resumed run reads the same bytes.
    feed = models.FileField(_("fetched feed"), upload_to="imports/", blank=True, editable=False)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # When the broker last took a message for the run; empty while none went (the broker was
    # down when it was queued): the import sweep sends it then.
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # The last sign of life: its worker's heartbeat (every quarter of IMPORT_HEARTBEAT_TIMEOUT
    # while it holds the run, and with each committed chunk), or the sweep queueing the run
    # again. A running run without one for IMPORT_HEARTBEAT_TIMEOUT lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=["queued", "running"]),
                name="importrun_one_active_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.queued_at:%Y-%m-%d %H:%M}"


class ImportRunSeen(models.Model):
    """An external id a full-sync run has read, kept in the database rather than in memory until
    the run closes what its feed no longer lists."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "external_id"], name="importrunseen_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return self.external_id
