from datetime import datetime

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from .categories import Category
from .postings import Posting
from .querysets import live_dates

# The search rows' indexes but their primary key: created by migration 0028 after its backfill,
# and again by generate_postings after its bulk load.
SEARCH_ROW_INDEXES = {
    "postings_searchrow_vector_idx": "USING gin (search_vector)",
    "postings_searchrow_title_trgm_idx": "USING gin (title gin_trgm_ops)",
    # A list page's newest, the live test answered from the index (see selectors.search).
    "postings_searchrow_newest_idx": "(language, published_at DESC, posting_id DESC)"
    " INCLUDE (expires_at)",
    "postings_searchrow_country_newest_idx": "(language, country, published_at DESC,"
    " posting_id DESC) INCLUDE (expires_at)",
    "postings_searchrow_earth_idx": "USING gist (earth)",
    "postings_searchrow_remote_idx": "(language, expires_at) WHERE remote = 'remote'",
}
CREATE_SEARCH_ROW_INDEXES = "".join(
    f"CREATE INDEX IF NOT EXISTS {name} ON postings_searchrow {definition};"
    for name, definition in SEARCH_ROW_INDEXES.items()
)
# Every published posting's search row, as the view of migration 0028 makes them.
FILL_SEARCH_ROWS = "INSERT INTO postings_searchrow SELECT * FROM postings_searchrow_source"


class SearchRowQuerySet(models.QuerySet["SearchRow"]):
    def live(self, at: datetime | None = None) -> "SearchRowQuerySet":
        return self.filter(live_dates(at))

    def in_language(self, language: str) -> "SearchRowQuerySet":
        return self.filter(language=language)


class SearchRow(models.Model):
    """A published posting as a search reads it for each of its matches: the columns it
    filters, counts and ranks on, and none of the text.

    A common word matches 30,000 postings at a million: reading each one's wide row (3.5 kB
    with its text and vector) for its facet values and rank took most of the search. These rows
    are about 340 bytes, partitioned by language (a French search reads only French rows), with
    the search vector stored out of line (the GIN index answers the match; only the index reads
    it) and ranked by `title_vector`, the title's and context's few words.

    Kept by statement-level triggers on postings (migration 0028), in the same transaction as
    the write, whatever path wrote; the page shows postings, read by id from their own table.
    """

    posting = models.OneToOneField(
        Posting,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    language = models.CharField(max_length=8)
    published_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True)
    country = models.CharField(max_length=2)
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    employment_type = models.CharField(max_length=20)
    remote = models.CharField(max_length=10)
    salary_currency = models.CharField(max_length=3)
    salary_top_yearly = models.BigIntegerField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    # And `earth`, ll_to_earth(latitude, longitude), that only places.py's SQL reads.
    title = models.CharField(max_length=200)
    title_vector = SearchVectorField()
    search_vector = SearchVectorField()

    objects = SearchRowQuerySet.as_manager()

    class Meta:
        # Created by migration 0028 in SQL: Django cannot declare a partitioned table.
        managed = False

    def __str__(self) -> str:
        return f"{self.language} {self.posting_id}"


class CommonSearch(models.Model):
    """A text that many postings of its language match, whose matches are kept (CommonMatch):
    a search of it reads those instead of finding them again by the GIN index in the wide
    search rows (postings.common_searches)."""

    language = models.CharField(max_length=8)
    # The text's tsquery (postings.search.search_query) as text: every text that searches
    # alike ("Entwickler", "entwicklerin") is one.
    query = models.TextField()
    # When its matches were first read under lock; until then the triggers' rows are partial.
    filled_at = models.DateTimeField(null=True)
    # When a search last read them, to the hour: the sweep drops a search no one reads.
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "query"], name="common_search_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.query}"


class CommonMatch(models.Model):
    """A live-or-not published posting that a common search matches, with what a search counts
    and ranks it by: its facet values, its title's rank for the search, its dates. About 100
    bytes, kept together per search. Kept by statement-level triggers on the search rows
    (migration 0033), in the same transaction as the write."""

    pk = models.CompositePrimaryKey("search_id", "posting_id")
    search = models.ForeignKey(
        CommonSearch, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    posting = models.ForeignKey(
        Posting, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    country = models.CharField(max_length=2)
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    employment_type = models.CharField(max_length=20)
    remote = models.CharField(max_length=10)
    rank = models.FloatField()
    published_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True)

    class Meta:
        # Created by migration 0033 in SQL, without a foreign key (a check a match, which a
        # fill of 57,000 would pay); a search's matches are deleted with it.
        managed = False

    def __str__(self) -> str:
        return f"{self.search_id} {self.posting_id}"
