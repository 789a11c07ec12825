"""What a company's postings were seen and clicked: the reads behind the admin's dashboard and
a posting's activity chart."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import overload

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Company, CompanyDay, Posting, PostingDay, PostingTotal

CHART_DAYS = 30


def first_chart_day() -> date:
    return timezone.now().date() - timedelta(days=CHART_DAYS - 1)


# The dashboard's columns that sort; "-" before one sorts the other way.
SORTS = ("title", "status", "recent_views", "recent_applies", "all_views", "all_applies")
DEFAULT_SORT = "-recent_views"


class CompanyPostings(Sequence[Posting]):
    """The company's postings in the order of `sort` (ties newest first), the most viewed of
    the chart's days first when it names no column of SORTS, for a Paginator: each slice is
    the page's postings with their counts over the chart's days and over all time.

    A page reads the rows of the postings it shows, not every posting of the company: in
    title or status order from the postings' indexes, in the order of an all-time count from
    PostingTotal's, and in the order of a count over the chart's days from the postings that
    had activity in them, then (or first) the others from the postings' index."""

    def __init__(self, company: Company, sort: str = DEFAULT_SORT) -> None:
        self.company = company
        self.sort = sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT

    def __len__(self) -> int:
        return Posting.objects.filter(company=self.company).count()

    @overload
    def __getitem__(self, index: int) -> Posting: ...
    @overload
    def __getitem__(self, index: slice) -> list[Posting]: ...
    def __getitem__(self, index: int | slice) -> Posting | list[Posting]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return with_counts(self.ids(index.start or 0, index.stop))

    def ids(self, start: int, stop: int) -> list[int]:
        column = self.sort.removeprefix("-")
        order = "-" if self.sort.startswith("-") else ""
        if column in ("title", "status"):
            postings = Posting.objects.filter(company=self.company).order_by(self.sort, "-id")
            return list(postings.values_list("id", flat=True)[start:stop])
        measure, field = column.split("_")
        if measure == "all":
            totals = PostingTotal.objects.filter(company=self.company)
            ordered = totals.order_by(order + field, "-posting_id")
            return list(ordered.values_list("posting_id", flat=True)[start:stop])
        # The postings counted among the chart's days, in their order, then (or before) the
        # others, newest first.
        since = first_chart_day()
        days = PostingDay.objects.filter(
            day__gte=since, posting_id__in=recently_counted(self.company), **{f"{field}__gt": 0}
        )
        counted = (
            days.values("posting_id")
            .annotate(n=Sum(field))
            .order_by(order + "n", "-posting_id")
            .values_list("posting_id", flat=True)
        )
        counts = PostingDay.objects.filter(
            posting=OuterRef("pk"), day__gte=since, **{f"{field}__gt": 0}
        )
        others = (
            Posting.objects.filter(company=self.company)
            .exclude(Exists(counts))
            .order_by("-id")
            .values_list("id", flat=True)
        )
        first, then = (counted, others) if order else (others, counted)
        ids = list(first[start:stop])
        if len(ids) < stop - start:
            before = start + len(ids) if ids else first.count()
            ids += list(then[max(start - before, 0) : stop - before])
        return ids


def company_postings(company: Company, sort: str = DEFAULT_SORT) -> CompanyPostings:
    return CompanyPostings(company, sort)


def with_counts(ids: list[int]) -> list[Posting]:
    """The postings, in the order of `ids`, each with its counts over the chart's days and over
    all time."""
    postings = (
        Posting.objects.filter(id__in=ids)
        .only("id", "title", "status", "language")
        .annotate(
            recent=FilteredRelation("days", condition=Q(days__day__gte=first_chart_day())),
            recent_views=Sum("recent__views", default=0),
            recent_applies=Sum("recent__applies", default=0),
            all_views=Coalesce(F("total__views"), 0),
            all_applies=Coalesce(F("total__applies"), 0),
        )
    )
    by_id = {posting.pk: posting for posting in postings}
    return [by_id[pk] for pk in ids if pk in by_id]


def recently_counted(company: Company) -> QuerySet:
    """The ids of the company's postings that may have activity among the chart's days."""
    return PostingTotal.objects.filter(company=company, last_day__gte=first_chart_day()).values(
        "posting_id"
    )


def company_totals(company: Company) -> dict[str, int]:
    recent = Q(day__gte=first_chart_day())
    return CompanyDay.objects.filter(company=company).aggregate(
        recent_views=Sum("views", filter=recent, default=0),
        recent_applies=Sum("applies", filter=recent, default=0),
        all_views=Sum("views", default=0),
        all_applies=Sum("applies", default=0),
    )


def posting_days(posting: Posting) -> dict[date, tuple[int, int]]:
    """The posting's (views, apply clicks) of each counted day among the chart's days."""
    days = PostingDay.objects.filter(posting=posting, day__gte=first_chart_day())
    return {
        day: (views, applies) for day, views, applies in days.values_list("day", "views", "applies")
    }


def company_days(company: Company) -> dict[date, tuple[int, int]]:
    """The company's (views, apply clicks) of each counted day among the chart's days, all its
    postings together."""
    days = CompanyDay.objects.filter(company=company, day__gte=first_chart_day())
    return {
        day: (views, applies) for day, views, applies in days.values_list("day", "views", "applies")
    }
