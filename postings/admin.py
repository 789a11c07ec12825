from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import Category, Company, ImportRun, ImportSource, Posting


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj: Company, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            Posting.objects.filter(company=obj).refresh_search_context()


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name"]

    def save_model(self, request, obj: Category, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            Posting.objects.filter(category=obj).refresh_search_context()


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "company",
        "language",
        "country",
        "status",
        "published_at",
        "expires_at",
    ]
    list_filter = ["status", "language", "remote", "employment_type", "category"]
    list_select_related = ["company"]
    search_fields = ["title", "company__name", "external_id"]
    autocomplete_fields = ["company"]
    # A changelist over a million postings: no date drill-down (a DISTINCT over the table) and
    # no full count; the newest first by primary key.
    ordering = ["-id"]
    show_full_result_count = False
    readonly_fields = ["source", "external_id", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["language", "title", "company", "category", "status"]}),
        (_("Location"), {"fields": ["country", "city", "remote", "employment_type"]}),
        (
            _("Text"),
            {"fields": ["description", "responsibilities", "requirements", "nice_to_have"]},
        ),
        (_("Salary"), {"fields": ["salary_min", "salary_max", "salary_currency", "salary_period"]}),
        (_("Apply"), {"fields": ["apply_url", "apply_email"]}),
        (_("Dates"), {"fields": ["published_at", "expires_at"]}),
        (
            _("Origin"),
            {"fields": ["source", "external_id", "translation_group", "created_at", "updated_at"]},
        ),
    ]


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name", "company", "format", "default_language", "full_sync", "schedule", "next_run_at",
    ]  # fmt: skip
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    actions = ["import_now"]

    @admin.action(description=_("Import the feed now"))
    def import_now(self, request, queryset) -> None:
        for source in queryset.select_related("company"):
            services.start_import(source=source)
        self.message_user(request, _("The imports are queued; their runs show the progress."))


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "source", "status", "rows_done", "created", "updated", "unchanged", "closed", "rejected",
        "queued_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["source"]

    def has_add_permission(self, request) -> bool:
        return False  # runs are made by "Import the feed now"

    def has_change_permission(self, request, obj=None) -> bool:
        return False
