"""The alerts' metrics: their mails as they go, and their states read at each scrape
(jobboard.metrics.BusinessCollector)."""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import Alert

ALERT_MAILS = Counter(
    "jobboard_alert_mails",
    "Alert and confirmation mails by outcome: sent, deferred (4xx, retried), bounced (the "
    "recipient refused for good: the address is stopped), refused (the message refused).",
    ["outcome"],
)


def collect() -> Iterator[Metric]:
    day_ago = timezone.now() - timedelta(days=1)
    alerts = Alert.objects.aggregate(
        active=Count(
            "id",
            filter=Q(confirmed_at__isnull=False, paused=False, subscriber__bounced_at__isnull=True),
        ),
        unconfirmed=Count("id", filter=Q(confirmed_at__isnull=True)),
        paused=Count("id", filter=Q(paused=True)),
        bounced=Count("id", filter=Q(subscriber__bounced_at__isnull=False)),
        mailed=Count("id", filter=Q(last_sent_at__gte=day_ago)),
    )
    states = GaugeMetricFamily("jobboard_alerts", "Email alerts by state.", labels=["state"])
    for state in ("active", "unconfirmed", "paused", "bounced"):
        states.add_metric([state], alerts[state])
    yield states
    yield GaugeMetricFamily(
        "jobboard_alerts_mailed_last_day",
        "Alerts that were sent a mail in the last 24 hours.",
        value=alerts["mailed"],
    )
