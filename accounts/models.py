from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postings.models import Company

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
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
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


class Invitation(models.Model):
    """An invitation to join a company, sent by email as a signed link that expires."""

    SALT = "accounts.invitation"

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("company")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} @ {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:accept_invitation", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.dumps(self.pk, salt=self.SALT)

    @classmethod
    def from_token(cls, token: str) -> "Invitation":
        """The open invitation a link names; BadSignature when forged or too old, DoesNotExist
        when withdrawn or already accepted."""
        pk = signing.loads(token, salt=cls.SALT, max_age=settings.INVITATION_MAX_AGE)
        return cls.objects.select_related("company").get(pk=pk, accepted_at__isnull=True)

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
