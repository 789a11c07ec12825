from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from .postings import Posting


def live_dates(at: datetime | None = None) -> Q:
    """Published by the moment `at` (now by default) and not expired then: the dates' half of
    "live", for the postings and for their search rows (which hold only published postings)."""
    now = at or timezone.now()
    return Q(Q(expires_at__isnull=True) | Q(expires_at__gt=now), published_at__lte=now)


class PostingQuerySet(models.QuerySet["Posting"]):
    def live(self, at: datetime | None = None) -> "PostingQuerySet":
        """Published, and live at the moment `at` (now by default) by their dates."""
        return self.filter(live_dates(at), status=self.model.Status.PUBLISHED)

    def in_language(self, language: str) -> "PostingQuerySet":
        return self.filter(language=language)

    def translations_of(self, posting: "Posting") -> "PostingQuerySet":
        """Live postings of the same translation group, in the other languages."""
        if posting.translation_group is None:
            return self.none()
        return (
            self.live()
            .filter(translation_group=posting.translation_group)
            .exclude(language=posting.language)
        )
