from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from jobboard.mail import TemporaryMailError

from . import common_searches, kept_feeds, rates, services
from .importers.fetch import FeedUnavailable
from .models import ImportRun, Posting

# Faults that pass: a database restarting or failing over, a feed server down for a while.
TRANSIENT = (OperationalError, InterfaceError, FeedUnavailable)


@shared_task
def expire_postings() -> int:
    return services.expire_due_postings()


@shared_task
def fill_common_searches() -> int:
    return common_searches.fill_due()


class ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Retries exhausted: the run ends failed. Should the database itself be down, the run
        # stays running and the sweep queues it again once it shows no progress.
        services.fail_import(run_id=args[0], error=exc)


@shared_task(
    base=ImportTask,
    # The longest task: the broker's visibility timeout is sized to it (settings).
    soft_time_limit=settings.IMPORT_TIME_LIMIT - 60,
    time_limit=settings.IMPORT_TIME_LIMIT,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def run_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("source__company").filter(pk=run_id).first()
    if run is not None:  # a run deleted before its message arrived has nothing to do
        services.run_import(run=run)


@shared_task
def warn_expiring_postings() -> int:
    return services.warn_expiring_postings()


# A mail server that is down or busy is retried with backoff; the workflow step is already
# committed and the mail catches up. A mail refused for good is not sent again.
@shared_task(
    autoretry_for=(TemporaryMailError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_posting_mail(posting_id: int, kind: str) -> None:
    posting = (
        Posting.objects.select_related("company", "submitted_by", "created_by")
        .filter(pk=posting_id)
        .first()
    )
    if posting is not None:  # deleted since: nobody to tell
        services.send_posting_mail(posting=posting, kind=kind)


@shared_task
def import_due_sources() -> int:
    return services.queue_due_imports()


@shared_task
def sweep_kept_feeds() -> int:
    return kept_feeds.sweep()


@shared_task
def refresh_exchange_rates() -> bool:
    return rates.refresh()
