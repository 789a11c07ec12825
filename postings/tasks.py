from celery import shared_task

from . import services


@shared_task
def expire_postings() -> int:
    return services.expire_due_postings()
