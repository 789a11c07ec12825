from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jobboard import ratelimit
from jobboard.mail import send_template_mail
from jobboard.tasks import enqueue

from .models import RECRUITERS_GROUP, Invitation, Membership, Profile


def language_of(user) -> str:
    return Profile.objects.get_or_create(user=user)[0].language


def remember_language(*, user, language: str) -> None:
    """Mails to a panel user are written in the language they last used the panel in."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})


def invite(*, invitation: Invitation) -> None:
    """Save the invitation and mail its link once committed."""
    invitation.save()
    # No sweep sends a lost one: while the broker is down the invitation is saved and its
    # mail logged and counted, not sent.
    transaction.on_commit(lambda: enqueue("accounts.tasks.send_invitation", invitation.pk))


def send_invitation(*, invitation: Invitation) -> None:
    send_template_mail(
        "accounts/email/invitation",
        {"invitation": invitation, "days": max(1, settings.INVITATION_MAX_AGE // 86400)},
        to=invitation.email,
        language=invitation.language,
    )


class CannotJoin(Exception):
    """The invitation cannot add this account to the company."""


def is_privileged(user) -> bool:
    """Superusers, moderators, and staff with any rights beyond a plain panel user's (the
    operator's own accounts): a company admin must not attach them to a company, since the
    membership would give the company's people a say over an account that is not theirs."""
    groups = set(user.groups.values_list("name", flat=True))
    return (
        user.is_superuser
        or (user.is_staff and groups != {RECRUITERS_GROUP})
        or user.user_permissions.exists()
    )


def account_of(email: str):
    """The account an address belongs to, or None."""
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


@transaction.atomic
def join(*, invitation: Invitation, user) -> Membership:
    """Add the company to the account of `user`, who proved they own it (logged in with their
    own password, as the invited address)."""
    if user.email.lower() != invitation.email.lower() or is_privileged(user):
        raise CannotJoin
    remember_language(user=user, language=invitation.language)
    return invitation.accept(user)


@transaction.atomic
def join_as_newcomer(*, invitation: Invitation, password: str) -> Membership:
    """Make the account of the invited address, which has none yet, with `password`."""
    if account_of(invitation.email) is not None:
        raise CannotJoin  # an account appeared since the page was shown: log in instead
    user = get_user_model().objects.create_user(
        username=invitation.email.lower(), email=invitation.email, password=password
    )
    remember_language(user=user, language=invitation.language)
    return invitation.accept(user)


def request_password_reset(*, email: str, language: str) -> None:
    """Mail a reset link to each active account of `email` that has a password, at most
    PASSWORD_RESET_RATE_LIMIT_EMAIL times per account (whatever the spelling of the address
    that found it); silently nothing for an unknown address."""
    limit = settings.PASSWORD_RESET_RATE_LIMIT_EMAIL
    for user in PasswordResetForm(data={"email": email}).get_users(email):
        if ratelimit.hit(f"accounts:reset:{user.pk}", limit):
            # Lost while the broker is down (logged and counted): asking again sends it.
            transaction.on_commit(
                partial(enqueue, "accounts.tasks.send_password_reset", user.pk, language)
            )


def send_password_reset(*, user, language: str) -> None:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_template_mail(
        "accounts/email/password_reset",
        {"user": user, "path": path, "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)},
        to=user.email,
        language=language,
    )
