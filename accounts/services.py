from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from jobboard.mail import send_template_mail

from .models import Invitation, Membership, Profile


def language_of(user) -> str:
    return Profile.objects.get_or_create(user=user)[0].language


def remember_language(*, user, language: str) -> None:
    """Mails to a panel user are written in the language they last used the panel in."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})


def invite(*, invitation: Invitation) -> None:
    """Save the invitation and mail its link once committed."""
    from . import tasks

    invitation.save()
    transaction.on_commit(lambda: tasks.send_invitation.delay(invitation.pk))


def send_invitation(*, invitation: Invitation) -> None:
    send_template_mail(
        "accounts/email/invitation",
        {"invitation": invitation, "days": max(1, settings.INVITATION_MAX_AGE // 86400)},
        to=invitation.email,
        language=invitation.language,
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str | None) -> Membership:
    """Join the company; a new person gets an account with `password`, an existing one (the
    same email) keeps theirs."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(
            username=invitation.email.lower(), email=invitation.email, password=password
        )
    remember_language(user=user, language=invitation.language)
    return invitation.accept(user)
