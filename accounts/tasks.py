import smtplib

from celery import shared_task

from . import services
from .models import Invitation


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("company").filter(pk=invitation_id).first()
    if invitation is not None and invitation.accepted_at is None:  # withdrawn or used: no mail
        services.send_invitation(invitation=invitation)
