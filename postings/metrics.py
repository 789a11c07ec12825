"""The postings' figures for /metrics, read at each scrape (jobboard.metrics.BusinessCollector)."""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Sum
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .models import FacetCount, ImportRun


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
