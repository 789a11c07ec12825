from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from postings.models import Posting

# One salt per purpose: a token made for one link is worthless for another.
CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


def _absolute(name: str, language: str, token: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs={"token": token})


class Subscriber(models.Model):
    """An email address, known without an account. Nothing but confirmation mails goes to it
    until it has confirmed one alert."""

    email = models.EmailField(_("email address"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # When its mail server last refused the address for good (5xx): nothing is sent until the
    # address confirms an alert again or resumes from its manage page. Mailing on to a dead
    # address is what gets a sender blocked by the big mailbox providers.
    bounced_at = models.DateTimeField(_("refused by its mail server at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="alerts_subscriber_email_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def manage_url(self, language: str) -> str:
        """Long-lived; deleting the address's data revokes it (a new subscriber is a new id)."""
        token = signing.dumps(self.pk, salt=MANAGE_SALT)
        return _absolute("alerts:manage", language, token)

    @classmethod
    def from_manage_token(cls, token: str) -> "Subscriber | None":
        try:
            pk = signing.loads(token, salt=MANAGE_SALT)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()


class AlertQuerySet(models.QuerySet["Alert"]):
    def active(self) -> "AlertQuerySet":
        """Alerts that may receive mail: confirmed by a confirmed address that has not bounced,
        not paused."""
        return self.filter(
            confirmed_at__isnull=False,
            subscriber__confirmed_at__isnull=False,
            subscriber__bounced_at__isnull=True,
            paused=False,
        )

    def due(self, frequency: str, *, now=None) -> "AlertQuerySet":
        """Active alerts of `frequency` whose period has come: a digest goes once per period,
        whatever the number of sweeps in it."""
        now = now or timezone.now()
        alerts = self.active().filter(frequency=frequency)
        if period := Alert.PERIODS.get(frequency):
            # An hour of slack, so that a sweep a little early on the clock still sends.
            alerts = alerts.filter(
                Q(last_sent_at__isnull=True)
                | Q(last_sent_at__lte=now - period + timedelta(hours=1))
            )
        return alerts


class Alert(models.Model):
    """A saved search of the list page, in one language, mailed at a chosen frequency."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("As soon as they are published")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    PERIODS: dict[str, timedelta] = {
        Frequency.DAILY: timedelta(days=1),
        Frequency.WEEKLY: timedelta(days=7),
    }

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("subscriber")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # The list page's query string, normalised (see forms.saved_query): equal searches are
    # equal strings, so that matching runs once per distinct search.
    query = models.CharField(_("search"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    paused = models.BooleanField(_("paused"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Postings published after this moment (less ALERT_MATCH_GRACE) are matched next time.
    high_water = models.DateTimeField(_("matched up to"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    # A mail shows at most ALERT_MAIL_POSTINGS postings, so matching records no more than that
    # and counts the rest here ("and N more"), whatever the size of an import.
    more = models.PositiveIntegerField(_("further matches not yet mailed"), default=0)
    # Every posting published up to this moment has been recorded or counted: once an alert
    # has counted postings instead of recording them, looking back over them (the grace)
    # would count or show them twice.
    counted_up_to = models.DateTimeField(_("counted up to"), null=True, blank=True)
    # A sender took the alert's matches at this moment and is talking to the mail server,
    # outside any transaction; a claim older than a sending task may live was abandoned.
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "language", "query"], name="alerts_alert_unique_search"
            ),
        ]
        indexes = [
            models.Index(
                fields=["frequency", "language", "query"],
                condition=Q(confirmed_at__isnull=False, paused=False),
                name="alerts_alert_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} · {self.language} · {self.query or '*'}"

    def confirm_url(self) -> str:
        return _absolute("alerts:confirm", self.language, signing.dumps(self.pk, salt=CONFIRM_SALT))

    def unsubscribe_url(self) -> str:
        """The RFC 8058 one-click address, also the visible link; it never expires."""
        token = signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)
        return _absolute("alerts:unsubscribe", self.language, token)

    def list_url(self) -> str:
        with translation.override(self.language):
            path = reverse("postings:list")
        return settings.SITE_URL + path + (f"?{self.query}" if self.query else "")

    @classmethod
    def from_confirm_token(cls, token: str) -> "Alert | None":
        """None when the token is forged or older than ALERT_CONFIRM_DAYS."""
        try:
            pk = signing.loads(
                token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.ALERT_CONFIRM_DAYS)
            )
        except signing.BadSignature:  # SignatureExpired is one
            return None
        return cls.objects.select_related("subscriber").filter(pk=pk).first()

    @staticmethod
    def id_from_unsubscribe_token(token: str) -> int | None:
        """The alert's id (it may be gone already: unsubscribing twice is fine)."""
        try:
            return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def confirm(self, *, now=None) -> None:
        """Confirms the alert and its address; matching starts from this moment."""
        now = now or timezone.now()
        if self.confirmed_at is None:
            self.confirmed_at = self.high_water = now
            self.save(update_fields=["confirmed_at", "high_water"])
        if self.subscriber.confirmed_at is None or self.subscriber.bounced_at is not None:
            # The link came through: the address works (again).
            self.subscriber.confirmed_at = self.subscriber.confirmed_at or now
            self.subscriber.bounced_at = None
            self.subscriber.save(update_fields=["confirmed_at", "bounced_at"])


class AlertMatch(models.Model):
    """A posting found for an alert. The primary key (alert, posting) makes "each posting
    reaches an alert at most once" a fact of the database, whatever runs twice."""

    # Matching writes millions of these a day, and their inserts are the bulk of its time. So no
    # surrogate id, and no foreign key constraints: their checks at commit took as long as the
    # inserts themselves (bench/alerts.py). The references are right by construction (each row
    # comes from a join of the live tables), Django still cascades deletes of alerts and
    # postings, and purge_matches() removes what a delete racing a sweep leaves behind.
    pk = models.CompositePrimaryKey("alert", "posting")
    # Indexed by the primary key, whose first column it is.
    alert = models.ForeignKey(
        Alert,
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
        db_constraint=False,
    )
    posting = models.ForeignKey(
        Posting, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.alert_id} · {self.posting_id}"
