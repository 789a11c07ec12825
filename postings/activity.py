"""What a company's postings were seen and clicked: the reads behind the admin's dashboard and
a posting's activity chart."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from .models import Company, Posting, PostingDay

CHART_DAYS = 30


def first_chart_day() -> date:
    return timezone.now().date() - timedelta(days=CHART_DAYS - 1)


def company_postings(company: Company) -> QuerySet[Posting]:
    """The company's 200 most viewed postings of the chart's days, each with its counts over
    those days and over all time."""
    recent = Q(days__day__gte=first_chart_day())
    return (
        Posting.objects.filter(company=company)
        .annotate(
            recent_views=Sum("days__views", filter=recent, default=0),
            recent_applies=Sum("days__applies", filter=recent, default=0),
            all_views=Sum("days__views", default=0),
            all_applies=Sum("days__applies", default=0),
        )
        .order_by("-recent_views", "-id")[:200]
    )


def company_totals(company: Company) -> dict[str, int]:
    recent = Q(day__gte=first_chart_day())
    return PostingDay.objects.filter(posting__company=company).aggregate(
        recent_views=Sum("views", filter=recent, default=0),
        recent_applies=Sum("applies", filter=recent, default=0),
        all_views=Sum("views", default=0),
        all_applies=Sum("applies", default=0),
    )


def posting_days(posting: Posting) -> dict[date, PostingDay]:
    """The posting's counted days among the chart's days."""
    days = PostingDay.objects.filter(posting=posting, day__gte=first_chart_day())
    return {day.day: day for day in days.only("day", "views", "applies")}
