from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .slugs import slug_for


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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
