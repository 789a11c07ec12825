from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic.base import ContextMixin

from jobboard import ratelimit
from jobboard.observability import client_address

from . import services
from .models import Invitation


class OwnPasswordForm(forms.Form):
    """The password of the invited address's account: who knows it owns the account. It goes
    through authenticate(), so failed attempts count towards the login lock-out."""

    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autofocus": True})
    )

    def __init__(self, request: HttpRequest, account, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.account = request, account

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.account.get_username(), password=password)
        if user is None:
            raise forms.ValidationError(_("This is not the password of this account."))
        self.account = user
        return password


@sensitive_post_parameters("password", "new_password1", "new_password2")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = Invitation.from_token(token)
    except (signing.BadSignature, Invitation.DoesNotExist):
        return render(request, "accounts/invitation_invalid.html", status=410)
    account = services.account_of(invitation.email)
    if account is not None and services.is_privileged(account):
        context = {"privileged": True}
        return render(request, "accounts/invitation_invalid.html", context, status=410)
    invitation.language = get_language()
    data = request.POST if request.method == "POST" else None

    # A newcomer chooses a password. Someone who has an account proves it is theirs: logged
    # in as it, or with its password here. Nobody else's account is ever joined.
    form: forms.Form | None
    if account is None:
        newcomer = get_user_model()(username=invitation.email.lower(), email=invitation.email)
        form = SetPasswordForm(newcomer, data)
    elif request.user.pk == account.pk:
        form = None
    else:
        form = OwnPasswordForm(request, account, data)

    if data is not None and (form is None or form.is_valid()):
        try:
            if isinstance(form, SetPasswordForm):  # a newcomer's
                password = form.cleaned_data["new_password1"]
                membership = services.join_as_newcomer(invitation=invitation, password=password)
            else:
                membership = services.join(invitation=invitation, user=account)
        except services.CannotJoin:
            return redirect(request.path)  # the account changed meanwhile: ask again
        if request.user.pk != membership.user.pk:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("admin:index")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "account": account},
    )


class PanelPage(ContextMixin):
    """Django's password reset pages, headed and titled like the rest of the panel."""

    def get_context_data(self, **kwargs):
        site = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
        return {**site, **super().get_context_data(**kwargs)}


class PasswordResetView(PanelPage, auth_views.PasswordResetView):
    """Django's reset page, answered the same whether the address has an account or not; the
    mail goes out from a worker, in the visitor's language. Requests are limited per client
    address, and mails per account (services.request_password_reset)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        client = client_address(self.request)
        if not ratelimit.hit(f"accounts:reset:ip:{client}", settings.PASSWORD_RESET_RATE_LIMIT_IP):
            form.add_error("email", _("Too many requests from your network. Try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.request_password_reset(email=form.cleaned_data["email"], language=get_language())
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(PanelPage, auth_views.PasswordResetDoneView):
    pass


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(PanelPage, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(PanelPage, auth_views.PasswordResetCompleteView):
    pass


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes answers a locked-out login with this page (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
