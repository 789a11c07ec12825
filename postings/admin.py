from datetime import UTC, datetime, timedelta
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from accounts.models import Membership
from accounts.services import remember_language
from accounts.tenancy import CompanyScopedAdmin, is_moderator, reaches
from jobboard.csv_files import csv_response

from . import language, services
from .importers import ImportRowForm, UnreadableFile
from .importers.estimate import estimate_rows
from .importers.formats import read_rows
from .models import (
    Category,
    Company,
    ImportRun,
    ImportSource,
    Posting,
    PostingDay,
    PostingForReview,
    TransitionError,
    date_errors,
)

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
CHART_DAYS = 30


class MembershipInline(admin.TabularInline):
    """A company's people, for its admins: roles change here, people join by invitation."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(CompanyScopedAdmin):
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

    def save_model(self, request, obj: Company, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            Posting.objects.filter(company=obj).refresh_search_context()

    @admin.display(description=_("Activity"))
    def dashboard_link(self, company: Company) -> str:
        url = reverse("admin:postings_company_dashboard", args=[company.pk])
        return format_html('<a href="{}">{}</a>', url, _("Dashboard"))

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
        since = timezone.now().date() - timedelta(days=CHART_DAYS - 1)
        recent = Q(days__day__gte=since)
        postings = (
            Posting.objects.filter(company=company)
            .annotate(
                recent_views=Sum("days__views", filter=recent, default=0),
                recent_applies=Sum("days__applies", filter=recent, default=0),
                all_views=Sum("days__views", default=0),
                all_applies=Sum("days__applies", default=0),
            )
            .order_by("-recent_views", "-id")[:200]
        )
        totals = PostingDay.objects.filter(posting__company=company).aggregate(
            recent_views=Sum("views", filter=Q(day__gte=since), default=0),
            recent_applies=Sum("applies", filter=Q(day__gte=since), default=0),
            all_views=Sum("views", default=0),
            all_applies=Sum("applies", default=0),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Activity of %(company)s") % {"company": company.name},
            "company": company,
            "postings": postings,
            "totals": totals,
            "live": Posting.objects.live().filter(company=company).count(),
            "days": CHART_DAYS,
        }
        return TemplateResponse(request, "admin/postings/company/dashboard.html", context)


@admin.register(Category)
class CategoryAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name"]

    def save_model(self, request, obj: Category, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            Posting.objects.filter(category=obj).refresh_search_context()


class DuplicateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the new version"))

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages


# The workflow buttons of the change form, each a step of services.py.
WORKFLOW_STEPS = {
    "_submit": (
        lambda posting, user: services.submit_posting(posting=posting, by=user),
        _("The posting was submitted."),
    ),
    "_renew": (
        lambda posting, user: services.renew_posting(posting=posting),
        _("The posting was renewed."),
    ),
    "_close": (
        lambda posting, user: services.close_posting(posting=posting),
        _("The posting was closed."),
    ),
}


class PostingForm(forms.ModelForm):
    def clean(self) -> dict:
        data = super().clean()
        # Only moderators have the dates in their form; a date past its bounds would overflow
        # the expiry that publishing adds.
        if "published_at" in self.fields:
            published_at, expires_at = data.get("published_at"), data.get("expires_at")
            for name, error in date_errors(published_at, expires_at).items():
                self.add_error(name, error)
        return data


@admin.register(Posting)
class PostingAdmin(CompanyScopedAdmin):
    form = PostingForm
    formfield_overrides = URL_FIELDS
    change_form_template = "admin/postings/posting/change_form.html"
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
    actions = ["renew_selected", "close_selected", "export_csv"]
    fieldsets = [
        (None, {"fields": ["language", "language_check", "title", "company", "category"]}),
        (_("Location"), {"fields": ["country", "city", "remote", "employment_type"]}),
        (
            _("Text"),
            {"fields": ["description", "responsibilities", "requirements", "nice_to_have"]},
        ),
        (_("Salary"), {"fields": ["salary_min", "salary_max", "salary_currency", "salary_period"]}),
        (_("Apply"), {"fields": ["apply_url", "apply_email"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "expires_at",
                    "refreshed_at",
                    "review_comment",
                    "submitted_by",
                    "submitted_at",
                    "reviewed_by",
                ]
            },
        ),
        (_("Activity"), {"fields": ["activity"]}),
        (
            _("Origin"),
            {"fields": ["source", "external_id", "translation_group", "created_at", "updated_at"]},
        ),
    ]
    # What only the workflow (or a moderator) changes.
    WORKFLOW_FIELDS = [
        "status",
        "published_at",
        "expires_at",
        "review_comment",
        "translation_group",
    ]
    ALWAYS_READONLY = [
        "language_check",
        "activity",
        "refreshed_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "source",
        "external_id",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if is_moderator(request.user):
            return self.ALWAYS_READONLY
        return self.ALWAYS_READONLY + self.WORKFLOW_FIELDS

    def get_fieldsets(self, request: HttpRequest, obj=None):
        # Publication, activity and origin say nothing yet about a posting being written.
        return self.fieldsets if obj is not None else self.fieldsets[:5]

    @admin.display(description=_("Language check"))
    def language_check(self, posting: Posting) -> str:
        if not posting.detected_language:
            return "—"
        return gettext("The text looks like %(detected)s, not %(declared)s.") % {
            "detected": translation.get_language_info(posting.detected_language)["name_local"],
            "declared": posting.get_language_display(),
        }

    @admin.display(description=_("Views and apply clicks, last 30 days"))
    def activity(self, posting: Posting) -> str:
        return activity_chart(posting)

    def save_model(self, request: HttpRequest, obj: Posting, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        elif form.changed_data and services.edit_needs_review(posting=obj, by=request.user):
            obj.resubmit(by=request.user)
            self.message_user(
                request,
                gettext(
                    "Your changes went to the moderators: the posting is offline until they "
                    "approve it."
                ),
                messages.WARNING,
            )
        obj.detected_language = language.mismatch(
            obj.language, obj.title, *(getattr(obj, field) for field in Posting.HTML_FIELDS)
        )
        if obj.detected_language:
            self.message_user(
                request,
                gettext(
                    "The text looks like %(detected)s, not %(declared)s: check the language "
                    "before you submit it."
                )
                % {
                    "detected": translation.get_language_info(obj.detected_language)["name_local"],
                    "declared": obj.get_language_display(),
                },
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    def _workflow_response(self, request: HttpRequest, obj: Posting) -> HttpResponse | None:
        for button, (step, done) in WORKFLOW_STEPS.items():
            if button in request.POST:
                remember_language(user=request.user, language=translation.get_language())
                try:
                    step(obj, request.user)
                except TransitionError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:postings_posting_change", obj.pk)
        return None

    def response_add(self, request: HttpRequest, obj: Posting, post_url_continue=None):
        return self._workflow_response(request, obj) or super().response_add(request, obj)

    def response_change(self, request: HttpRequest, obj: Posting):
        return self._workflow_response(request, obj) or super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_buttons"] = self.workflow_buttons(obj)
        context["edit_needs_review"] = obj is not None and services.edit_needs_review(
            posting=obj, by=request.user
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_buttons(self, obj: Posting | None) -> list[tuple[str, str]]:
        status = obj.status if obj else Posting.Status.DRAFT
        if status == Posting.Status.DRAFT:
            trusted = obj is not None and obj.company.publishes_without_review()
            return [
                (
                    "_submit",
                    gettext("Save and publish") if trusted else gettext("Submit for review"),
                )
            ]
        if status in (Posting.Status.PUBLISHED, Posting.Status.EXPIRED):
            return [("_renew", gettext("Renew")), ("_close", gettext("Close (filled)"))]
        return []

    @admin.action(description=_("Renew the selected postings"))
    def renew_selected(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            services.renew_posting,
            lambda n: ngettext("%(count)d posting renewed.", "%(count)d postings renewed.", n),
        )

    @admin.action(description=_("Close the selected postings"))
    def close_selected(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            services.close_posting,
            lambda n: ngettext("%(count)d posting closed.", "%(count)d postings closed.", n),
        )

    def _each(self, request, queryset, step, done) -> None:
        count, refused = 0, []
        for posting in queryset.select_related("company"):
            try:
                step(posting=posting)
                count += 1
            except TransitionError:
                refused.append(posting.title)
        self.message_user(request, done(count) % {"count": count})
        if refused:
            self.message_user(
                request,
                gettext("Not possible in their status: %(titles)s")
                % {"titles": ", ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Download the selected postings as CSV"))
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        columns = [
            "id",
            "title",
            "company",
            "language",
            "country",
            "city",
            "status",
            "published_at",
            "expires_at",
            "external_id",
        ]
        rows = (
            [
                posting.pk,
                posting.title,
                posting.company.name,
                posting.language,
                posting.country.code,
                posting.city,
                posting.status,
                posting.published_at,
                posting.expires_at,
                posting.external_id,
            ]
            for posting in queryset.select_related("company").order_by("id")
        )
        return csv_response("postings.csv", columns, rows)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="postings_preview"),
            path(
                "<path:object_id>/duplicate/",
                view(self.duplicate_view),
                name="postings_duplicate",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The posting as its public page will show it, whatever its status; never indexed."""
        posting = self.get_object(request, unquote(object_id))
        if posting is None:
            raise Http404
        with translation.override(posting.language):
            response = TemplateResponse(
                request,
                "postings/detail.html",
                {"posting": posting, "siblings": [], "preview": True},
            )
            response.render()
        response["X-Robots-Tag"] = "noindex"
        return response

    def duplicate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        posting = self.get_object(request, unquote(object_id))
        if posting is None or not self.has_add_permission(request):
            raise Http404
        taken = {posting.language}
        if posting.translation_group:
            taken |= set(
                Posting.objects.filter(translation_group=posting.translation_group).values_list(
                    "language", flat=True
                )
            )
        choices = [
            (code, name)
            for code, name in Posting._meta.get_field("language").choices
            if code not in taken
        ]
        form = DuplicateForm(request.POST or None, languages=choices)
        if request.method == "POST" and form.is_valid():
            sibling = services.duplicate_posting(
                posting=posting, language=form.cleaned_data["language"], by=request.user
            )
            self.message_user(
                request,
                gettext("A draft in %(language)s was made from the posting: rewrite its text.")
                % {"language": sibling.get_language_display()},
            )
            return HttpResponseRedirect(reverse("admin:postings_posting_change", args=[sibling.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": posting,
            "title": gettext("Duplicate into another language"),
            "form": form,
        }
        return TemplateResponse(request, "admin/postings/posting/duplicate.html", context)


def activity_chart(posting: Posting) -> str:
    """A bar chart of the last 30 days (views, and apply clicks in front), as inline SVG."""
    today = timezone.now().date()
    since = today - timedelta(days=CHART_DAYS - 1)
    rows = {
        day.day: day
        for day in PostingDay.objects.filter(posting=posting, day__gte=since).only(
            "day", "views", "applies"
        )
    }
    width, height = 12, 80
    top = max([day.views for day in rows.values()] + [1])
    bars = []
    for n in range(CHART_DAYS):
        day = since + timedelta(days=n)
        views, applies = (rows[day].views, rows[day].applies) if day in rows else (0, 0)
        bars.append(
            (
                day.isoformat(),
                views,
                applies,
                n * width,
                height - views * height // top,
                views * height // top,
                n * width,
                height - applies * height // top,
                applies * height // top,
            )
        )
    bars = format_html_join(
        "",
        "<g><title>{}: {} / {}</title>"
        '<rect x="{}" y="{}" width="10" height="{}" fill="#9bb7d4"></rect>'
        '<rect x="{}" y="{}" width="10" height="{}" fill="#205493"></rect></g>',
        bars,
    )
    views = sum(day.views for day in rows.values())
    applies = sum(day.applies for day in rows.values())
    return format_html(
        '<svg class="activity" role="img" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg>'
        "<p>{}</p>",
        width * CHART_DAYS,
        height,
        width * CHART_DAYS,
        height,
        bars,
        gettext("%(views)d views, %(applies)d apply clicks in 30 days")
        % {"views": views, "applies": applies},
    )


class ReviewForm(forms.Form):
    # The version of the posting the moderator read (its updated_at): a feed or the partner API
    # may change a waiting posting meanwhile, and a decision holds only for the text it saw.
    shown_at = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment for the recruiter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject: say what must change."),
    )

    def __init__(self, *args, rejecting: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rejecting = rejecting

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.rejecting and not comment:
            raise forms.ValidationError(_("Say what must change: the recruiter reads this."))
        return comment


@admin.register(PostingForReview)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Pending postings, oldest first; a row opens the review page (approve or reject)."""

    list_display = ["title", "company", "language", "language_warning", "submitted_at"]
    list_select_related = ["company"]
    list_filter = ["language"]
    ordering = ["submitted_at", "id"]
    actions = ["approve_selected"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).filter(status=Posting.Status.PENDING)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("Language check"))
    def language_warning(self, posting: Posting) -> str:
        if not posting.detected_language:
            return ""
        return gettext("looks like %(language)s") % {
            "language": translation.get_language_info(posting.detected_language)["name_local"]
        }

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # When the list was shown: a bulk approval holds only for postings unchanged since.
        shown_at = {"shown_at": timezone.now().isoformat()}
        return super().changelist_view(request, {**(extra_context or {}), **shown_at})

    @admin.action(description=_("Approve the selected postings"))
    def approve_selected(self, request: HttpRequest, queryset) -> None:
        try:
            shown_at = datetime.fromisoformat(request.POST.get("shown_at", ""))
        except ValueError:
            shown_at = datetime.min.replace(tzinfo=UTC)
        changed = queryset.filter(updated_at__gt=shown_at).count()
        # Counted as they go: once approved, they are no longer in the queue's queryset.
        count = 0
        for posting in queryset.filter(updated_at__lte=shown_at).select_related("company"):
            services.approve_posting(posting=posting, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d posting approved.", "%(count)d postings approved.", count)
            % {"count": count},
        )
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d posting changed since the list was shown: open it to review it "
                    "again.",
                    "%(count)d postings changed since the list was shown: open them to review "
                    "them again.",
                    changed,
                )
                % {"count": changed},
                messages.WARNING,
            )

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        posting = self.get_object(request, unquote(object_id))
        if posting is None or not self.has_change_permission(request, posting):
            self.message_user(request, gettext("This posting is no longer waiting for review."))
            return redirect("admin:postings_postingforreview_changelist")
        rejecting = "_reject" in request.POST
        shown_at = posting.updated_at.isoformat()
        form = ReviewForm(request.POST or None, rejecting=rejecting, initial={"shown_at": shown_at})
        if form.is_bound and form.is_valid() and form.cleaned_data["shown_at"] != shown_at:
            self.message_user(
                request,
                gettext("The posting changed while you were reading it: here is its new text."),
                messages.WARNING,
            )
            form = ReviewForm(rejecting=False, initial={"shown_at": shown_at})
        if form.is_bound and form.is_valid():
            if rejecting:
                services.reject_posting(
                    posting=posting, by=request.user, comment=form.cleaned_data["comment"]
                )
                self.message_user(
                    request, gettext("Rejected: the recruiter was emailed."), messages.SUCCESS
                )
            else:
                services.approve_posting(posting=posting, by=request.user)
                self.message_user(
                    request, gettext("Approved: the posting is online."), messages.SUCCESS
                )
            return redirect("admin:postings_postingforreview_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": posting,
            "posting": posting,
            "title": gettext("Review “%(title)s”") % {"title": posting.title},
            "form": form,
            "language_warning": self.language_warning(posting),
        }
        return TemplateResponse(request, "admin/postings/postingforreview/review.html", context)


@admin.register(ImportSource)
class ImportSourceAdmin(CompanyScopedAdmin):
    formfield_overrides = URL_FIELDS
    change_form_template = "admin/postings/importsource/change_form.html"
    list_display = [
        "name",
        "company",
        "format",
        "default_language",
        "full_sync",
        "schedule",
        "next_run_at",
    ]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    actions = ["import_now"]

    @admin.action(description=_("Import the feed now"))
    def import_now(self, request, queryset) -> None:
        runs = [services.start_import(source=source) for source in queryset]
        self._tell(request, runs, queued=_("The imports are queued; their runs show the progress."))

    def _import_response(self, request: HttpRequest, source: ImportSource) -> HttpResponse | None:
        """ "Save and import now": on to the run's page, where its progress shows live."""
        if "_import" not in request.POST:
            return None
        run = services.start_import(source=source)
        self._tell(request, [run])
        return redirect("admin:postings_importrun_change", run.pk)

    def _tell(self, request: HttpRequest, runs: list[ImportRun], *, queued: str = "") -> None:
        """Once the runs are committed and their tasks sent (or not), say whether the broker
        took them: the runs it refused are saved, and the import sweep sends them later."""

        def tell() -> None:
            waiting = ImportRun.objects.filter(
                pk__in=[run.pk for run in runs],
                status=ImportRun.Status.QUEUED,
                dispatched_at__isnull=True,
            ).count()
            if waiting:
                message = ngettext(
                    "The task queue cannot be reached at the moment: the import is saved and "
                    "will start as soon as the queue is back.",
                    "The task queue cannot be reached at the moment: the %(count)d imports are "
                    "saved and will start as soon as the queue is back.",
                    waiting,
                ) % {"count": waiting}
                self.message_user(request, message, messages.WARNING)
            elif queued:
                self.message_user(request, queued)

        transaction.on_commit(tell)

    def response_add(self, request: HttpRequest, obj: ImportSource, post_url_continue=None):
        return self._import_response(request, obj) or super().response_add(request, obj)

    def response_change(self, request: HttpRequest, obj: ImportSource):
        return self._import_response(request, obj) or super().response_change(request, obj)


@admin.register(ImportRun)
class ImportRunAdmin(CompanyScopedAdmin):
    company_path = "source__company"
    change_form_template = "admin/postings/importrun/change_form.html"
    list_display = [
        "__str__",
        "status",
        "rows_done",
        "created",
        "updated",
        "unchanged",
        "closed",
        "rejected",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["status"]
    list_select_related = ["source"]

    def has_add_permission(self, request) -> bool:
        return False  # runs are made by "Import the feed now"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/progress/",
                view(self.progress_view),
                name="postings_importrun_progress",
            ),
            path(
                "<path:object_id>/rejected.csv",
                view(self.rejected_view),
                name="postings_importrun_rejected",
            ),
            *super().get_urls(),
        ]

    def _run(self, request: HttpRequest, object_id: str) -> ImportRun:
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404
        return run

    @staticmethod
    def _feed_path(run: ImportRun) -> Path | None:
        """The file the run reads, while it is there and has not been replaced since."""
        feed = run.feed or run.source.feed
        if not feed:
            return None
        path = Path(feed.path)
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError:
            return None
        return path if modified <= run.queued_at else None

    def progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """What the run's page polls: its counts, and the rows to expect, estimated once."""
        run = self._run(request, object_id)
        key = f"import-run-rows:{run.pk}"
        expected = cache.get(key)
        if expected is None and (path := self._feed_path(run)) is not None:
            expected = estimate_rows(path, run.source.format)
            cache.set(key, expected, 3600)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": run.get_status_display(),
                "finished": run.status in ImportRun.FINISHED,
                "rows_done": run.rows_done,
                "rows_expected": max(expected or 0, run.rows_done) or None,
                **{
                    name: getattr(run, name)
                    for name in (
                        "created",
                        "updated",
                        "unchanged",
                        "closed",
                        "rejected",
                        "message",
                    )
                },
            },
            headers={"Cache-Control": "no-store"},
        )

    def rejected_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The rejected rows, each with its number, its reason and, while the feed is there, the
        row as it was read: fix them in a spreadsheet and import them again."""
        run = self._run(request, object_id)
        reasons = {error["row"]: error["reason"] for error in run.errors}
        originals: dict[int, dict] = {}
        path = self._feed_path(run)
        if reasons and path is not None:
            last = max(reasons)
            try:
                for number, row in read_rows(path, run.source.format):
                    if number in reasons and isinstance(row, dict):
                        originals[number] = row
                    if number >= last:
                        break
            except UnreadableFile:
                originals = {}
        fields = list(ImportRowForm.base_fields)
        rows = (
            [number, reasons[number], *(originals.get(number, {}).get(f) for f in fields)]
            for number in sorted(reasons)
        )
        return csv_response(f"rejected-rows-{run.pk}.csv", ["row", "reason", *fields], rows)
