from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.own_messages import OwnMessages
from accounts.tenancy import CompanyScopedAdmin, is_moderator, reaches

from .. import activity
from ..models import Company, Posting
from .base import URL_FIELDS
from .charts import company_chart

DASHBOARD_PAGE_SIZE = 25


class MembershipInline(admin.TabularInline):
    """A company's people, for its admins: roles change here, people join by invitation."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(OwnMessages, CompanyScopedAdmin):
    saved_message = _("The company “%(name)s” was saved.")
    deleted_message = _("The company “%(name)s” was deleted.")
    company_path = "pk"
    formfield_overrides = URL_FIELDS
    list_display = ["name", "slug", "website", "trusted", "dashboard_link"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or reaches(request, obj.pk, admin=True))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Only a moderator decides who publishes without review.
        return [] if is_moderator(request.user) else ["trusted"]

    def get_inlines(self, request: HttpRequest, obj=None) -> list:
        return self.inlines if obj is not None and self.has_change_permission(request, obj) else []

    @admin.display(description=_("Activity"))
    def dashboard_link(self, company: Company) -> str:
        url = reverse("admin:postings_company_dashboard", args=[company.pk])
        return format_html('<a href="{}">{}</a>', url, _("Dashboard"))

    def dashboard_columns(self, sort: str) -> list[tuple[str, str]]:
        """(header, link that sorts by it) of each column: a second click sorts the other way."""
        labels = {
            "title": gettext("Posting"),
            "status": gettext("Status"),
            "recent_views": gettext("Views, %(days)s days") % {"days": activity.CHART_DAYS},
            "recent_applies": gettext("Apply clicks, %(days)s days")
            % {"days": activity.CHART_DAYS},
            "all_views": gettext("Views"),
            "all_applies": gettext("Apply clicks"),
        }
        return [
            (labels[column], "?" + urlencode({"o": "-" + column if sort == column else column}))
            for column in activity.SORTS
        ]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="postings_company_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        company = self.get_object(request, unquote(object_id))
        if company is None or not self.has_view_permission(request, company):
            raise Http404
        sort = request.GET.get("o", activity.DEFAULT_SORT)
        postings = activity.company_postings(company, sort)
        page = Paginator(postings, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Activity of %(company)s") % {"company": company.name},
            "company": company,
            "page": page,
            "sort": sort,
            "columns": self.dashboard_columns(sort),
            "totals": activity.company_totals(company),
            "chart": company_chart(company),
            "live": Posting.objects.live().filter(company=company).count(),
            "days": activity.CHART_DAYS,
        }
        return TemplateResponse(request, "admin/postings/company/dashboard.html", context)
