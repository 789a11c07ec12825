from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobboard import ratelimit

from . import services
from .models import ApiToken, Invitation, Membership
from .own_messages import OwnMessages
from .tenancy import CompanyScopedAdmin, panel_user


@admin.register(Membership)
class MembershipAdmin(CompanyScopedAdmin):
    """A company's people, for its admins. People join by invitation, not by being added."""

    admin_only = True
    list_display = ["user", "company", "role", "created_at"]
    list_editable = ["role"]
    list_select_related = ["user", "company"]
    list_filter = ["role"]
    search_fields = ["user__email", "company__name"]
    fields = ["user", "company", "role", "created_at"]
    readonly_fields = ["user", "company", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["company", "email", "role"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        company = self.cleaned_data.get("company")
        if company and not ratelimit.hit(
            f"accounts:invite:{company.pk}", settings.INVITATION_RATE_LIMIT
        ):
            raise forms.ValidationError(
                _("Your company has sent many invitations in a short time: try again later.")
            )
        return self.cleaned_data

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        account = services.account_of(email)
        if account is not None and services.is_privileged(account):
            raise forms.ValidationError(
                _(
                    "This address belongs to a site administrator or moderator: it cannot be "
                    "invited to a company."
                )
            )
        return email


@admin.register(Invitation)
class InvitationAdmin(OwnMessages, CompanyScopedAdmin):
    admin_only = True
    saved_message = _("The invitation was sent to %(name)s.")
    deleted_message = _("The invitation “%(name)s” was withdrawn.")
    form = InvitationForm
    list_display = ["email", "company", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    fields = ["company", "email", "role"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # sent is sent: withdraw it (delete) and invite again

    def message_name(self, obj: Invitation) -> str:
        return obj.email

    def save_model(self, request: HttpRequest, obj: Invitation, form, change: bool) -> None:
        obj.invited_by, obj.language = panel_user(request), translation.get_language()
        services.invite(invitation=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(CompanyScopedAdmin):
    """Keys to the partner API, for company admins. The key is shown once, on the page that
    answers its creation; it is not stored, so it is never in a redirect, a message or a log."""

    admin_only = True
    list_display = [
        "name",
        "company",
        "hint",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    list_select_related = ["company", "created_by", "revoked_by"]
    fields = ["company", "name"]
    actions = ["revoke_selected"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a key is made, used and revoked; never edited

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        obj.created_by = panel_user(request)
        # Handed to response_add on the request (HttpRequest does not declare it): the admin
        # passes nothing else from one to the other, and the key must not be stored.
        request._new_api_key = obj.generate_key()  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Your new API key"),
            "token": obj,
            "key": request._new_api_key,  # type: ignore[attr-defined]
        }
        return TemplateResponse(request, "admin/accounts/apitoken/created.html", context)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request: HttpRequest, queryset) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token.revoke(by=panel_user(request))
        count = len(tokens)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )
