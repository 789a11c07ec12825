"""The postings' figures for /metrics: fetches of the exchange rates as they go, and figures read
at each scrape (jobboard.metrics.BusinessCollector)."""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .models import ExchangeRate, FacetCount, ImportRun

EXCHANGE_RATE_FETCHES = Counter(
    "jobboard_exchange_rate_fetches",
    "Fetches of the ECB's reference rates by outcome: updated, unchanged, failed (the last "
    "rates stay).",
    ["outcome"],
)


def collect() -> Iterator[Metric]:
    live = GaugeMetricFamily(
        "jobboard_live_postings",
        "Published postings per language (FacetCount; postings past their expiry drop out "
        "at the next expiry sweep).",
        labels=["language"],
    )
    totals = dict(FacetCount.objects.values_list("language").annotate(Sum("n")).order_by())
    for code, _name in settings.LANGUAGES:
        live.add_metric([code], totals.get(code) or 0)
    yield live

    outcomes = ("created", "updated", "unchanged", "closed", "rejected")
    sums = ImportRun.objects.aggregate(**{name: Sum(name) for name in outcomes})
    rows = CounterMetricFamily(
        "jobboard_import_rows", "Rows of import runs, by outcome.", labels=["outcome"]
    )
    for name in outcomes:
        rows.add_metric([name], sums[name] or 0)
    yield rows
    runs = GaugeMetricFamily("jobboard_import_runs", "Import runs by status.", labels=["status"])
    by_status = dict(ImportRun.objects.values_list("status").annotate(Count("id")).order_by())
    for status in ImportRun.Status.values:
        runs.add_metric([status], by_status.get(status, 0))
    yield runs

    day = ExchangeRate.objects.aggregate(day=Max("day"))["day"]
    if day is not None:  # days, not a timestamp: the ECB publishes on working days only
        yield GaugeMetricFamily(
            "jobboard_exchange_rates_age_days",
            "Days since the date of the stored reference rates (3 over a weekend, more when "
            "fetches fail).",
            value=(timezone.now().date() - day).days,
        )
