from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from .postings import Posting


class PostingQuerySet(models.QuerySet["Posting"]):
    def live(self) -> "PostingQuerySet":
        now = timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=self.model.Status.PUBLISHED,
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
            updated: int = cursor.rowcount
            return updated

    def translations_of(self, posting: "Posting") -> "PostingQuerySet":
        """Live postings of the same translation group, in the other languages."""
        if posting.translation_group is None:
            return self.none()
        return (
            self.live()
            .filter(translation_group=posting.translation_group)
            .exclude(language=posting.language)
        )
