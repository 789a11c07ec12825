import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Panel users (company admins and recruiters) hold this group's model permissions; which
# companies they reach is decided by their memberships (see tenancy.py).
RECRUITERS_GROUP = "Recruiters"
# Site moderators: every company, and the review permission.
MODERATORS_GROUP = "Moderators"


class Profile(models.Model):
    """What the panel knows about a person beyond Django's user: the language their mails
    are written in (the one they last used the panel in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    def __str__(self) -> str:
        return str(self.user)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Company admin")
        RECRUITER = "recruiter", _("Recruiter")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    # Company is named by its label, here and below: postings imports accounts (the panel's
    # tenancy, tokens, people), so accounts does not import postings.
    company = models.ForeignKey(
        "postings.Company",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("company"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["company", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> "InvitationQuerySet":
        """Not accepted yet, and sent by someone who may still invite to the company: the
        operator (the command line, no sender), an active moderator or superuser, or an active
        admin of the company. An admin removed or demoted takes their invitations along."""
        sender_is_admin = Membership.objects.filter(
            user=OuterRef("invited_by"), company=OuterRef("company"), role=Membership.Role.ADMIN
        )
        sender_moderates = Group.user_set.through.objects.filter(
            user=OuterRef("invited_by"), group__name=MODERATORS_GROUP
        )
        may_invite = Q(invited_by__is_superuser=True) | Exists(sender_moderates)
        return self.filter(accepted_at__isnull=True).filter(
            Q(invited_by__isnull=True)
            | Q(invited_by__is_active=True) & (may_invite | Exists(sender_is_admin))
        )


class Invitation(models.Model):
    """An invitation to join a company, sent by email as a signed link that expires."""

    SALT = "accounts.invitation"

    company = models.ForeignKey(
        "postings.Company",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("company"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    # None: sent by the operator (create_company_admin). Deleting the sender's account deletes
    # their invitations: a sender that vanished must not read as the operator.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} @ {self.company}"

    # Not get_absolute_url: the panel would link to it ("view on site"), and the link is for
    # the invited address's eyes only.
    def accept_path(self) -> str:
        return reverse("accounts:accept_invitation", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.dumps(self.pk, salt=self.SALT)

    @classmethod
    def from_token(cls, token: str) -> "Invitation":
        """The open invitation a link names; BadSignature when forged or too old, DoesNotExist
        when withdrawn, already accepted, or its sender may no longer invite."""
        pk = signing.loads(token, salt=cls.SALT, max_age=settings.INVITATION_MAX_AGE)
        return cls.objects.open().select_related("company").get(pk=pk)

    def accept(self, user) -> Membership:
        membership, _created = Membership.objects.update_or_create(
            user=user, company=self.company, defaults={"role": self.role}
        )
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=RECRUITERS_GROUP))
        self.accepted_at = timezone.now()
        self.save(update_fields=["accepted_at"])
        return membership


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def authenticate(self, key: str) -> "ApiToken | None":
        """The active token whose key this is; its company is who calls."""
        token = (
            self.select_related("company")
            .filter(digest=ApiToken.digest_of(key), revoked_at__isnull=True)
            .first()
        )
        if token is not None:
            self.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token


class ApiToken(models.Model):
    """A company's key to the partner API. Only a SHA-256 digest is stored: the key is shown
    once, when it is made, and a lost key is revoked and replaced."""

    PREFIX = "jb_"

    company = models.ForeignKey(
        "postings.Company",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it."))
    # The first characters of the key, to tell keys apart in lists and logs.
    hint = models.CharField(_("key starts with"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        # The keys are 256 random bits: a fast hash cannot be brute-forced back to one.
        return hashlib.sha256(key.encode()).hexdigest()

    def generate_key(self) -> str:
        """A new key for this token (returned once, never stored)."""
        key = self.PREFIX + secrets.token_urlsafe(32)
        self.hint, self.digest = key[:10], self.digest_of(key)
        return key

    def revoke(self, *, by: User) -> None:
        """Revoked once: revoking again keeps the first time and who did it."""
        if self.revoked_at is None:
            self.revoked_at, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked_at", "revoked_by"])
