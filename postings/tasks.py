from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import services
from .importers.fetch import FeedUnavailable
from .models import ImportRun

# Faults that pass: a database restarting or failing over, a feed server down for a while.
TRANSIENT = (OperationalError, InterfaceError, FeedUnavailable)


@shared_task
def expire_postings() -> int:
    return services.expire_due_postings()


class ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Retries exhausted: the run ends failed. Should the database itself be down, the run
        # stays running and the sweep queues it again once it shows no progress.
        services.fail_import(run_id=args[0], error=exc)


@shared_task(
    base=ImportTask,
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
def import_due_sources() -> int:
    return services.queue_due_imports()
