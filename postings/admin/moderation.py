from datetime import UTC, datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import is_moderator

from .. import language, services
from ..models import Posting, PostingForReview
from .paging import EstimatedCountPaginator


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
    list_filter = ["language", "language_check"]
    ordering = ["submitted_at", "id"]
    # A backlog of tens of thousands after a large import: counted up to a point.
    paginator = EstimatedCountPaginator
    # Half Django's 100: the rows' rendering is most of the page's time (bench/panel.py).
    list_per_page = 50
    show_full_result_count = False
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

    @admin.display(description=_("Language check"), ordering="language_check")
    def language_warning(self, posting: Posting) -> str:
        if not posting.detected_language:
            return ""
        return gettext("looks like %(language)s") % {
            "language": language.name(posting.detected_language)
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
