"""What a company's postings were seen and clicked: the reads behind the admin's dashboard and
a posting's activity chart."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from .models import Company, Posting, PostingDay

CHART_DAYS = 30


def first_chart_day() -> date:
    return timezone.now().date() - timedelta(days=CHART_DAYS - 1)


# The dashboard's columns that sort; "-" before one sorts the other way.
SORTS = ("title", "status", "recent_views", "recent_applies", "all_views", "all_applies")
DEFAULT_SORT = "-recent_views"


def company_postings(company: Company, sort: str = DEFAULT_SORT) -> QuerySet[Posting]:
    """The company's postings, each with its counts over the chart's days and over all time,
    in the order of `sort`, the most viewed of the chart's days first when it names no column
    of SORTS."""
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT
    recent = Q(days__day__gte=first_chart_day())
    return (
        Posting.objects.filter(company=company)
        .annotate(
            recent_views=Sum("days__views", filter=recent, default=0),
            recent_applies=Sum("days__applies", filter=recent, default=0),
            all_views=Sum("days__views", default=0),
            all_applies=Sum("days__applies", default=0),
        )
        .order_by(sort, "-id")
    )


def company_totals(company: Company) -> dict[str, int]:
    recent = Q(day__gte=first_chart_day())
    return PostingDay.objects.filter(posting__company=company).aggregate(
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
    days = (
        PostingDay.objects.filter(posting__company=company, day__gte=first_chart_day())
        .values("day")
        .annotate(day_views=Sum("views"), day_applies=Sum("applies"))
        .values_list("day", "day_views", "day_applies")
    )
    return {day: (views, applies) for day, views, applies in days}
