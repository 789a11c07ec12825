from django.db import connections, models, router
from django.db.models.functions import Coalesce

from .categories import Category
from .companies import Company
from .postings import Posting


class FacetCount(models.Model):
    """How many published postings share one combination of facet values.

    Kept exact by a database trigger on postings (migration 0006), in the same transaction as
    the write, whatever path wrote: admin, importer, expiry sweep, bulk loads. Facets and the
    country list read these few rows instead of counting postings.
    """

    language = models.CharField(max_length=8)
    country = models.CharField(max_length=2)
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    employment_type = models.CharField(max_length=20)
    remote = models.CharField(max_length=10)
    n = models.IntegerField(default=0)

    # The posting columns that the facets filter on, named alike in both tables; a cell is one
    # combination of them in one language. The triggers (migrations 0003 and 0006) and the
    # unique constraint below spell the same list: changing it takes a migration of them all.
    FACET_COLUMNS = ("country", "category_id", "employment_type", "remote")
    CELL = ("language", *FACET_COLUMNS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "language",
                "country",
                Coalesce("category", 0),
                "employment_type",
                "remote",
                name="facetcount_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        cell = tuple(getattr(self, column) for column in self.CELL)
        return f"{cell}: {self.n}"


class DataVersion(models.Model):
    """One row whose `n` database triggers bump on every write to postings, companies and
    categories (migrations 0004 and 0006): the page cache's key in the previous release, which
    reads it while a deploy rolls or after a rollback. Still bumped (migration 0014); dropped in
    the next release, with its bump, once no running code reads it."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.n)


class LanguageVersion(models.Model):
    """The data version of one language's pages, which the triggers of migration 0014 bump in
    the same transaction as a write that changes what they show: a posting in the language, a
    company with postings in it, any category. The key of its page cache (see caching.py)."""

    language = models.CharField(max_length=8, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.language}: {self.n}"


class PostingDay(models.Model):
    """A posting's page views and apply clicks on one day: counts only, no cookie, no address,
    no user agent kept."""

    posting = models.ForeignKey(
        Posting,
        on_delete=models.CASCADE,
        related_name="days",
        db_index=False,  # postingday_unique_day leads with it
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    applies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "day"], name="postingday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.day}: {self.views}/{self.applies}"

    @classmethod
    def record(cls, posting_id: int, *, apply: bool = False) -> None:
        """One view (or apply click) today, in one statement whatever the concurrency."""
        # Through the router: the write goes to the primary, and the page's later reads with it.
        with connections[router.db_for_write(cls)].cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO postings_postingday (posting_id, day, views, applies)
                VALUES (%s, (now() AT TIME ZONE 'UTC')::date, %s, %s)
                ON CONFLICT (posting_id, day) DO UPDATE SET
                    views = postings_postingday.views + excluded.views,
                    applies = postings_postingday.applies + excluded.applies
                """,
                [posting_id, 0 if apply else 1, 1 if apply else 0],
            )


class PostingTotal(models.Model):
    """A posting's views and apply clicks over all time, and the last day it had any; every
    posting has one.

    Kept exact by database triggers (migration 0025) in the same transaction as the write,
    whatever wrote: a posting added, a day counted, a posting moved to another company. The
    company's dashboard sorts its postings by these through an index, instead of adding up
    every day of each.
    """

    posting = models.OneToOneField(
        Posting, on_delete=models.CASCADE, primary_key=True, related_name="total"
    )
    # The posting's company, copied so that an index can order a company's totals.
    company = models.ForeignKey(
        Company, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    views = models.BigIntegerField(default=0)
    applies = models.BigIntegerField(default=0)
    # On or after the latest day counted (none: never counted).
    last_day = models.DateField(null=True)

    class Meta:
        indexes = [
            # The dashboard's sorts by an all-time count, ties newest first: one index each way.
            models.Index(fields=["company", "views", "posting"], name="postingtotal_views_idx"),
            models.Index(fields=["company", "views", "-posting"], name="postingtotal_views_up_idx"),
            models.Index(fields=["company", "applies", "posting"], name="postingtotal_applies_idx"),
            models.Index(
                fields=["company", "applies", "-posting"], name="postingtotal_applies_up_idx"
            ),
            # The postings that may have activity among the chart's days.
            models.Index(fields=["company", "last_day"], name="postingtotal_last_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id}: {self.views}/{self.applies}"


class CompanyDay(models.Model):
    """All of a company's postings' views and apply clicks on one day, kept exact by the same
    triggers as PostingTotal (migration 0025): the company's chart and totals read a row a day,
    not a row a posting and a day."""

    company = models.ForeignKey(
        Company,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # companyday_unique_day leads with it
        related_name="+",
    )
    day = models.DateField()
    views = models.BigIntegerField(default=0)
    applies = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "day"], name="companyday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.day}: {self.views}/{self.applies}"
