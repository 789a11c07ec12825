import functools
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ..html import sanitize
from ..language import Check as LanguageCheck
from ..search import SEARCH_VECTOR_SQL, stems
from .categories import Category
from .companies import Company
from .querysets import PostingQuerySet
from .slugs import posting_slug

# Salary periods in a year (40-hour weeks): the generated salary_top_yearly and the seeker's
# salary filter (postings/rates.py) make amounts yearly with the same factors.
PERIODS_PER_YEAR = {"hour": 40 * 52, "month": 12, "year": 1}
_TOP = "coalesce(salary_max, salary_min)::bigint"


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


@functools.cache
def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    return dict(choices.choices)


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a value in the active language, or the value itself if it is not one of
    the choices (as Django's get_FOO_display answers)."""
    return str(_labels(choices).get(value, value))


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
        Company,
        on_delete=models.CASCADE,
        related_name="postings",
        verbose_name=_("company"),
        db_index=False,  # posting_company_recent_idx leads with it
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
    # Where the city is, from the City table: set by the database on every write of the city or
    # the country (the trigger postings_geocode, migration places), whoever writes; empty for a
    # city it does not know.
    latitude = models.FloatField(_("latitude"), null=True, blank=True, editable=False)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, editable=False)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The company's name and the category's name in the posting's language, for the search
    # vector (a generated column reads only its own row); see fill_search_text().
    search_context = models.TextField(blank=True, editable=False)
    # The stems of the title and the text where Python stems them (Polish: the title's, a line
    # break, the text's), or the title's parts (German and Dutch compounds: the ends and
    # starts, a line break, the parts inside; search.title_parts), for the search vector; see
    # fill_search_text().
    search_stems = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=RawSQL(SEARCH_VECTOR_SQL, ()),  # noqa: S611 (constant SQL, no input)
        output_field=SearchVectorField(),
        db_persist=True,
    )
    PERIODS_PER_YEAR = PERIODS_PER_YEAR
    # The top of the salary range as a yearly amount (40-hour weeks), for the salary filter.
    salary_top_yearly = models.GeneratedField(
        expression=RawSQL(  # noqa: S611 (constant SQL, no input)
            "CASE salary_period"
            f" WHEN 'hour' THEN {_TOP} * {PERIODS_PER_YEAR['hour']}"
            f" WHEN 'month' THEN {_TOP} * {PERIODS_PER_YEAR['month']}"
            " ELSE coalesce(salary_max, salary_min) END",
            (),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )

    objects = PostingQuerySet.as_manager()

    HTML_FIELDS = ("description", "responsibilities", "requirements", "nice_to_have")

    # Set by a search on the postings its page shows (selectors._on_cards): the text around the
    # matches, and the title with them highlighted when it has any. Empty elsewhere, where a
    # card (presentation.card) reads them all the same.
    snippet: SafeString = SafeString("")
    highlighted_title: SafeString = SafeString("")

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
            # "Within 25 km of Lyon": earthdistance's box around the point, by GiST.
            GistIndex(
                Func("latitude", "longitude", function="ll_to_earth"),
                condition=Q(status="published"),
                name="posting_published_earth_idx",
            ),
            # With a "where", the remote postings from anywhere (which a search for remote work
            # keeps) beside the GiST box: one bitmap OR instead of every posting of a language.
            models.Index(
                fields=["language", "expires_at"],
                condition=Q(status="published", remote="remote"),
                name="posting_published_remote_idx",
            ),
            # The moderation queue, oldest first, in the order it shows (ties by id).
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="pending"),
                name="posting_pending_queue_idx",
            ),
            # A company's postings, newest first: its admins' list and its public page.
            models.Index(fields=["company", "id"], name="posting_company_recent_idx"),
            # A company's dashboard sorted by title or by status, ties newest first: by status
            # both ways (a status is shared by many postings), by title backwards and forwards
            # with the few postings of the same title sorted.
            models.Index(fields=["company", "title", "id"], name="posting_company_title_idx"),
            models.Index(fields=["company", "status", "id"], name="posting_company_status_idx"),
            models.Index(fields=["company", "status", "-id"], name="posting_company_status_up_idx"),
            # A company's live postings, counted on its dashboard from the index alone.
            models.Index(
                fields=["company", "expires_at"],
                condition=Q(status="published"),
                name="posting_company_live_idx",
            ),
            # The panel's list over every company, newest first: its filters on a value that
            # few postings have (drafts, Polish), and the dates that moderators sort by.
            models.Index(fields=["status", "id"], name="posting_status_recent_idx"),
            models.Index(fields=["language", "id"], name="posting_language_recent_idx"),
            models.Index(fields=["published_at", "id"], name="posting_published_at_idx"),
            models.Index(fields=["expires_at", "id"], name="posting_expires_at_idx"),
            # The panel's search by a feed's id.
            models.Index(
                fields=["external_id"], condition=~Q(external_id=""), name="posting_external_id_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The slug follows the title; old links still work (the detail view redirects by id).
        self.slug = posting_slug(self.title)
        self.fill_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # A list page asks twice per card (its link, its save button): kept for the same
        # language, id and slug.
        key = (self.language, self.pk, self.slug)
        if self.__dict__.get("_url_of") != key:
            kwargs = {"pk": self.pk, "slug": self.slug}
            # The list pages show postings in their own language: no switch to make.
            if translation.get_language() == self.language:
                url = reverse("postings:detail", kwargs=kwargs)
            else:
                with translation.override(self.language):
                    url = reverse("postings:detail", kwargs=kwargs)
            self.__dict__.update(_url_of=key, _url=url)
        return self.__dict__["_url"]

    # Django's own get_FOO_display hashes every choice to find one, translating each label on
    # the way: a list page asks for two per card. (django-stubs declares Django's.)
    def get_remote_display(self) -> str:  # type: ignore[no-redef]
        return _label(self.Remote, self.remote)

    def get_employment_type_display(self) -> str:  # type: ignore[no-redef]
        return _label(self.EmploymentType, self.employment_type)

    def get_salary_period_display(self) -> str:  # type: ignore[no-redef]
        return _label(self.SalaryPeriod, self.salary_period)

    def get_image_url(self) -> str:
        """The link-preview picture (views.posting_image)."""
        with translation.override(self.language):
            return reverse("postings:image", kwargs={"pk": self.pk})

    def fill_search_text(self) -> None:
        """Set what the search vector reads besides the posting's own columns: the one place
        every write goes through (save(), the importers' COPY and bulk updates, so the partner
        API too, and the demo; generate_postings, which writes rows without models, calls
        search.stems() itself)."""
        self.search_context = self.build_search_context()
        body = " ".join(getattr(self, field) or "" for field in self.HTML_FIELDS)
        self.search_stems = stems(self.language, self.title, body)

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


class PostingForReview(Posting):
    """The moderators' queue: pending postings, oldest first (its own admin)."""

    class Meta:
        proxy = True
        verbose_name = _("posting to review")
        verbose_name_plural = _("moderation queue")
