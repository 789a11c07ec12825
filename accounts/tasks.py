import smtplib

from celery import shared_task
from django.contrib.auth import get_user_model

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


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_password_reset(user_id: int, language: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None and user.has_usable_password():
        services.send_password_reset(user=user, language=language)
