"""The admin site, as the recruiter and moderator panel."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _


class PanelSite(admin.AdminSite):
    site_header = _("Job board panel")
    site_title = _("Job board panel")
    index_title = _("Postings, companies and imports")

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # The "view on site" redirect reveals an object's public URL (a draft's slug is its
        # title): only for objects that the user's admin of that model reaches.
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: str
    ) -> HttpResponse:
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist as missing:
            raise Http404 from missing
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404
        try:
            reached = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            reached = False
        if not reached:
            raise Http404
        response: HttpResponse = shortcut(request, content_type_id, object_id)
        return response
