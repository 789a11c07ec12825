"""Which companies a panel user reaches. Every admin of company data asks here, once per
request, instead of checking by hand in each view."""

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Membership


def is_moderator(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("postings.review_posting"))


def panel_user(request: HttpRequest) -> User:
    """Who makes a panel request: the admin site lets only logged-in staff in."""
    assert isinstance(request.user, User)
    return request.user


def _roles(request: HttpRequest) -> dict[int, str]:
    # Kept on the request for the rest of it; HttpRequest does not declare the attribute.
    if not hasattr(request, "_company_roles"):
        request._company_roles = dict(  # type: ignore[attr-defined]
            Membership.objects.filter(user=panel_user(request)).values_list("company_id", "role")
        )
    return request._company_roles  # type: ignore[attr-defined]


def company_ids(request: HttpRequest, *, admin: bool = False) -> set[int] | None:
    """The ids of the user's companies (where they are company admins, with `admin`), or None
    for a moderator, who reaches every company."""
    if is_moderator(request.user):
        return None
    return {
        company
        for company, role in _roles(request).items()
        if not admin or role == Membership.Role.ADMIN
    }


def reaches(request: HttpRequest, company_id: int | None, *, admin: bool = False) -> bool:
    ids = company_ids(request, admin=admin)
    return ids is None or company_id in ids


class CompanyScopedAdmin(admin.ModelAdmin):
    """An admin of company data: lists, forms, actions, lookups and foreign-key choices reach
    only the user's companies (all of them for moderators).

    Everything the admin does with an object goes through get_queryset() or get_object(), so
    scoping the queryset scopes change, delete, history and actions; a forged id is "not
    found". Foreign keys to other scoped models take their admin's queryset, so a forged
    company or source is "not a valid choice"."""

    company_path = "company"  # the lookup from this model to its Company
    admin_only = False  # company admins only, not their recruiters

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        ids = company_ids(request, admin=self.admin_only)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.company_path}__in": ids})

    # What only company admins manage stays out of their recruiters' reach and menus.
    def _shut(self, request: HttpRequest) -> bool:
        return self.admin_only and company_ids(request, admin=True) == set()

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._shut(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self._shut(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._shut(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._shut(request) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # The company model, as memberships name it: accounts does not import postings.
        company = Membership._meta.get_field("company").related_model
        if db_field.related_model is company:
            ids = company_ids(request, admin=self.admin_only)
            if ids is not None:
                kwargs["queryset"] = company._default_manager.filter(pk__in=ids)
        else:
            related_admin = self.admin_site._registry.get(db_field.related_model)
            if isinstance(related_admin, CompanyScopedAdmin):
                kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial: dict[str, object] = {**super().get_changeform_initial_data(request)}
        ids = company_ids(request, admin=self.admin_only)
        if self.company_path == "company" and ids is not None and len(ids) == 1:
            initial.setdefault("company", next(iter(ids)))
        return initial
