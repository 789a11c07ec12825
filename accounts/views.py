from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .models import Invitation


@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = Invitation.from_token(token)
    except (signing.BadSignature, Invitation.DoesNotExist):
        return render(request, "accounts/invitation_invalid.html", status=410)

    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email).first()
    # A newcomer chooses a password; someone who has an account keeps it.
    form = None
    if existing is None:
        newcomer = User(username=invitation.email.lower(), email=invitation.email)
        form = SetPasswordForm(newcomer, request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        invitation.language = get_language()
        password = form.cleaned_data["new_password1"] if form else None
        membership = services.accept_invitation(invitation=invitation, password=password)
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("admin:index")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes answers a locked-out login with this page (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
