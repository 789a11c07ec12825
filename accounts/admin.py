from django.contrib import admin
from django.http import HttpRequest
from django.utils import translation

from . import services
from .models import Invitation, Membership
from .tenancy import CompanyScopedAdmin


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


@admin.register(Invitation)
class InvitationAdmin(CompanyScopedAdmin):
    admin_only = True
    list_display = ["email", "company", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    fields = ["company", "email", "role"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # sent is sent: withdraw it (delete) and invite again

    def save_model(self, request: HttpRequest, obj: Invitation, form, change: bool) -> None:
        obj.invited_by, obj.language = request.user, translation.get_language()
        services.invite(invitation=obj)
