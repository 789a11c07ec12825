from django.utils import timezone

from .models import Posting


def expire_due_postings() -> int:
    """Mark published postings past their expiry as expired. Safe to run any number of times."""
    now = timezone.now()
    return Posting.objects.filter(status=Posting.Status.PUBLISHED, expires_at__lte=now).update(
        status=Posting.Status.EXPIRED, updated_at=now
    )
