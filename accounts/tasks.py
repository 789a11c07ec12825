from celery import shared_task
from django.contrib.auth import get_user_model

from jobboard.mail import TemporaryMailError

from . import services
from .models import Invitation


@shared_task(
    autoretry_for=(TemporaryMailError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> None:
    invitations = Invitation.objects.open().select_related("company")
    invitation = invitations.filter(pk=invitation_id).first()
    if invitation is not None:  # withdrawn, used or void: no mail
        services.send_invitation(invitation=invitation)


@shared_task(
    autoretry_for=(TemporaryMailError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_password_reset(user_id: int, language: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None and user.has_usable_password():
        services.send_password_reset(user=user, language=language)
