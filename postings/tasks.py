import smtplib

from celery import shared_task

from . import services
from .models import ImportRun, Posting


@shared_task
def expire_postings() -> int:
    return services.expire_due_postings()


@shared_task
def run_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("source__company").filter(pk=run_id).first()
    if run is not None:  # a run deleted before its message arrived has nothing to do
        services.run_import(run=run)


@shared_task
def warn_expiring_postings() -> int:
    return services.warn_expiring_postings()


# A mail server that is down or busy is retried with backoff; the workflow step is already
# committed and the mail catches up.
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
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
