from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, Lookup, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries import countries

from accounts.own_messages import OwnMessages
from accounts.services import remember_language
from accounts.tenancy import CompanyScopedAdmin, company_ids, is_moderator, panel_user
from jobboard.csv_files import csv_response

from .. import codes, language, services
from ..collation import collated
from ..exports import POSTING_COLUMNS, posting_rows
from ..formatting import number
from ..html import sanitize
from ..models import Company, Posting, TransitionError, date_errors
from .base import URL_FIELDS
from .charts import activity_chart
from .paging import EstimatedCountPaginator


class ILike(Lookup):
    """`title ILIKE '%word%'`: the form that the trigram index on the title serves. Django's
    icontains writes `UPPER(title) LIKE UPPER(...)`, which no index of ours serves."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


class DuplicateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the new version"))

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = languages


EXPIRING_DAYS = 7


class ExpiringFilter(admin.SimpleListFilter):
    """The published postings whose end is near: renew them from the list before they go."""

    title = _("expiry")
    parameter_name = "expiring"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [
            (
                str(EXPIRING_DAYS),
                ngettext(
                    "Expires within %(days)d day", "Expires within %(days)d days", EXPIRING_DAYS
                )
                % {"days": EXPIRING_DAYS},
            )
        ]

    def queryset(self, request: HttpRequest, queryset):
        if self.value() != str(EXPIRING_DAYS):
            return queryset
        now = timezone.now()
        return queryset.filter(
            status=Posting.Status.PUBLISHED,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=EXPIRING_DAYS),
        )


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


# What belongs in each section of a posting: the sections of the page the board was born from.
SECTION_HINTS = {
    "description": _("The introduction: the company, the team and what the job is about."),
    "responsibilities": _("What the person will do: one task per line."),
    "requirements": _("What a candidate must have: skills, experience, diplomas, languages."),
    "nice_to_have": _("What would be a plus, but is not required."),
}
PLAIN_TEXT_HINT = _("A blank line starts a paragraph; a line starting with “- ” is a list item.")


class PostingForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, hint in SECTION_HINTS.items():
            if name in self.fields:
                self.fields[name].help_text = f"{hint} {PLAIN_TEXT_HINT}"
                # text-preview.js shows the text beside the field as the public page will.
                self.fields[name].widget.attrs.update(
                    {
                        "data-preview-url": reverse("admin:postings_text_preview"),
                        "data-preview-label": gettext("Preview"),
                    }
                )
        if "country" in self.fields:
            # Names in the panel's language, in its alphabet; country-filter.js adds a box
            # that narrows the list as one types.
            country_field = cast(forms.ChoiceField, self.fields["country"])
            language_code = translation.get_language() or settings.LANGUAGE_CODE
            country_field.choices = [
                ("", "---------"),
                *(
                    (country.code, country.name)
                    for country in collated(countries, lambda c: c.name, language=language_code)
                ),
            ]
            country_field.widget.attrs["data-filter-label"] = gettext("Find a country")
        if "salary_currency" in self.fields:
            posting = self.instance
            country = self.data.get("country") or (posting.country and posting.country.code)
            field = self.fields["salary_currency"]
            self.fields["salary_currency"] = forms.ChoiceField(
                label=field.label,
                required=False,
                choices=[
                    ("", "---------"),
                    *codes.currency_choices(country, current=posting.salary_currency),
                ],
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Only moderators have the dates in their form; a date past its bounds would overflow
        # the expiry that publishing adds.
        if "published_at" in self.fields:
            published_at, expires_at = data.get("published_at"), data.get("expires_at")
            for name, error in date_errors(published_at, expires_at).items():
                self.add_error(name, error)
        return data


@admin.register(Posting)
class PostingAdmin(OwnMessages, CompanyScopedAdmin):
    saved_message = _("The posting “%(name)s” was saved.")
    deleted_message = _("The posting “%(name)s” was deleted.")
    form = PostingForm
    formfield_overrides = URL_FIELDS
    change_form_template = "admin/postings/posting/change_form.html"
    list_display = [
        "title",
        "company",
        "language",
        "country_name",
        "status",
        "published_at",
        "expires_at",
        "expiring_badge",
    ]
    list_filter = [ExpiringFilter, "status", "language", "remote", "employment_type", "category"]
    list_select_related = ["company"]
    # What the search box searches; get_search_results searches them its own way.
    search_fields = ["title", "company__name", "external_id"]
    autocomplete_fields = ["company"]
    # A changelist over a million postings: no date drill-down (a DISTINCT over the table) and
    # no full count; the newest first by primary key.
    ordering = ["-id"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Half Django's 100: the rows' rendering is most of the page's time (bench/panel.py).
    list_per_page = 50
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

    def get_sortable_by(self, request: HttpRequest):
        # Over every company, the orders that an index gives (posting_published_at_idx,
        # posting_expires_at_idx) without sorting a million rows; a company's own list is
        # short enough to sort by any column.
        if company_ids(request) is None:
            return ["published_at", "expires_at"]
        return super().get_sortable_by(request)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        """Postings whose title holds the words (through the trigram index), of a company whose
        name holds them, or whose feed id they are. Django's own search would join the
        companies and compare UPPER() of each field: a scan of every posting."""
        term = search_term.strip()
        if not term:
            return queryset, False
        pattern = f"%{connection.ops.prep_for_like_query(term)}%"
        # A handful of companies: their ids go in as a list, which an index scan of each
        # posting's company serves alongside the title's.
        companies = list(
            Company.objects.filter(name__icontains=term).values_list("pk", flat=True)[:1000]
        )
        matches = ILike(F("title"), pattern) | Q(company__in=companies) | Q(external_id=term)
        return queryset.filter(matches), False

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
            "detected": language.name(posting.detected_language),
            "declared": posting.get_language_display(),
        }

    # Not the field itself: the admin looks a choice up in the field's flattened choices, which
    # django-countries rebuilds on every call: 250 countries for each row of the list.
    @admin.display(description=_("country"), ordering="country")
    def country_name(self, posting: Posting) -> str:
        # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
        return posting.country.name  # type: ignore[attr-defined]

    @admin.display(description=_("Expires soon"))
    def expiring_badge(self, posting: Posting) -> str:
        if posting.status != Posting.Status.PUBLISHED or posting.expires_at is None:
            return ""
        left = posting.expires_at - timezone.now()
        if left <= timedelta(0) or left > timedelta(days=EXPIRING_DAYS):
            return ""
        days = max(1, left.days + (1 if left.seconds else 0))
        return format_html(
            '<span class="badge expiring">{}</span>',
            ngettext("Expires in %(days)d day", "Expires in %(days)d days", days) % {"days": days},
        )

    @admin.display(description=_("Views and apply clicks, last 30 days"))
    def activity(self, posting: Posting) -> str:
        return activity_chart(posting)

    def save_model(self, request: HttpRequest, obj: Posting, form, change: bool) -> None:
        if not change:
            obj.created_by = panel_user(request)
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
        language.check(obj)
        if obj.detected_language:
            self.message_user(
                request,
                gettext(
                    "The text looks like %(detected)s, not %(declared)s: check the language "
                    "before you submit it."
                )
                % {
                    "detected": language.name(obj.detected_language),
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
            lambda n: ngettext("%(count)s posting renewed.", "%(count)s postings renewed.", n),
            _("“%(title)s” was not renewed: %(reason)s"),
        )

    @admin.action(description=_("Close the selected postings"))
    def close_selected(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            services.close_posting,
            lambda n: ngettext("%(count)s posting closed.", "%(count)s postings closed.", n),
            _("“%(title)s” was not closed: %(reason)s"),
        )

    def _each(self, request, queryset, step, done, refused) -> None:
        """Do `step` to each posting, then say how many it was done to and, one by one, which it
        could not be done to and why."""
        count = 0
        for posting in queryset.select_related("company"):
            try:
                step(posting=posting)
                count += 1
            except TransitionError as error:
                self.message_user(
                    request, refused % {"title": posting.title, "reason": error}, messages.WARNING
                )
        if count:
            self.message_user(request, done(count) % {"count": number(count)}, messages.SUCCESS)

    @admin.action(description=_("Download the selected postings as CSV"))
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return csv_response("postings.csv", POSTING_COLUMNS, posting_rows(queryset))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "text-preview/",
                view(require_POST(self.text_preview_view)),
                name="postings_text_preview",
            ),
            path("<path:object_id>/preview/", view(self.preview_view), name="postings_preview"),
            path(
                "<path:object_id>/duplicate/",
                view(self.duplicate_view),
                name="postings_duplicate",
            ),
            *super().get_urls(),
        ]

    def text_preview_view(self, request: HttpRequest) -> HttpResponse:
        """A section's plain text as the public page will show it: the one sanitiser, so the
        preview can be no more and no less than the page. Only for who writes postings for a
        company (or moderates them); the text names nothing, so there is nothing else to scope."""
        may_write = self.has_add_permission(request) or self.has_change_permission(request)
        if not may_write or company_ids(request) == set():
            raise PermissionDenied
        return JsonResponse({"html": sanitize(request.POST.get("text", ""))})

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
        choices = [(code, name) for code, name in settings.LANGUAGES if code not in taken]
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
