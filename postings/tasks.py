from celery import shared_task

from . import services
from .models import ImportRun


@shared_task
def expire_postings() -> int:
    return services.expire_due_postings()


@shared_task
def run_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("source__company").filter(pk=run_id).first()
    if run is not None:  # a run deleted before its message arrived has nothing to do
        services.run_import(run=run)
