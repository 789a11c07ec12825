from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
