from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..addresses import private_host
from .companies import Company
from .slugs import slug_for

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
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Derived from the name by clean(): where a source needs a name in a URL or a file name.
    slug = models.SlugField(_("slug"), max_length=100, editable=False, default="")
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
        self.slug = slug_for(self.name, max_length=100)
        if not self.slug:
            raise ValidationError({"name": _("Give the source a name with letters or digits.")})
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
