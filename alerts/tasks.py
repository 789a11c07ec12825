from functools import partial
from typing import Any

from celery import shared_task
from django.db import transaction

from jobboard.mail import TemporaryMailError

from . import matching, sending, subscriptions
from .models import Alert

# Temporary mail failures (4xx, unreachable server) come back later, further apart each time;
# sending's claim-and-mark design makes a retry send only what was not sent.
RETRY: dict[str, Any] = {
    "autoretry_for": (TemporaryMailError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_confirmation(alert_id: int) -> None:
    alert = Alert.objects.select_related("subscriber").filter(pk=alert_id).first()
    if alert is not None:  # deleted before its message arrived: nothing to confirm
        sending.send_confirmation(alert=alert)


@shared_task(**RETRY)
def send_alert_batch(alert_ids: list[int]) -> int:
    return sending.send_alerts(alert_ids=alert_ids)


@shared_task
def sweep_alerts(frequency: str) -> int:
    """Beat runs it per frequency, on the `alerts` queue. A repeated or lost sweep costs
    nothing: the next one finds what is due in the database, and one cut short by its time
    limit leaves its committed batches of matches for the next."""
    if frequency == Alert.Frequency.DAILY:
        subscriptions.purge_unconfirmed()
        matching.purge_matches()
    batches = matching.sweep(frequency=frequency)
    for batch in batches:
        transaction.on_commit(partial(send_alert_batch.delay, batch))
    return len(batches)
