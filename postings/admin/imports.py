from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.own_messages import OwnMessages
from accounts.tenancy import CompanyScopedAdmin
from jobboard.csv_files import csv_response

from .. import import_runs, kept_feeds, services
from ..models import ImportRun, ImportSource
from .base import URL_FIELDS

KEPT_FEED_SALT = "postings.kept-feed"
KEPT_FEED_MAX_AGE = 3600


class ImportSourceForm(forms.ModelForm):
    """A feed file chosen in a form that has an error is kept on the server, named by a token
    signed for the user who chose it (a browser cannot set a file input): the next submission
    takes it without the file being chosen again."""

    user_id: int  # set by ImportSourceAdmin.get_form for the request's user

    kept_feed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        token = data.get("kept_feed")
        if token and not self.files.get("feed"):
            path = self._kept_path(token)
            if path is None or not default_storage.exists(path):
                self.add_error(None, gettext("The chosen file could not be kept: choose it again."))
            else:
                data["feed"] = File(default_storage.open(path), name=path.rsplit("/", 1)[-1])
                self.kept_path = path
        return data

    def _kept_path(self, token: str) -> str | None:
        try:
            kept = signing.loads(token, salt=KEPT_FEED_SALT, max_age=KEPT_FEED_MAX_AGE)
        except signing.BadSignature:
            return None
        return kept["path"] if kept["user"] == self.user_id else None

    def _post_clean(self) -> None:
        # ModelForm's own step after clean() (the model's validation), which django-stubs
        # leaves out as private.
        super()._post_clean()  # type: ignore[misc]
        upload = self.files.get("feed")
        if self.errors and upload and "feed" not in self.errors:
            path = kept_feeds.keep(user_id=self.user_id, upload=upload)
            token = signing.dumps({"path": path, "user": self.user_id}, salt=KEPT_FEED_SALT)
            data = cast(QueryDict, self.data).copy()
            data["kept_feed"] = token
            self.data = data
            self.kept_name = upload.name


@admin.register(ImportSource)
class ImportSourceAdmin(OwnMessages, CompanyScopedAdmin):
    form = ImportSourceForm
    saved_message = _("The import source “%(name)s” was saved.")
    deleted_message = _("The import source “%(name)s” was deleted.")
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

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user_id": request.user.pk})

    def save_model(self, request: HttpRequest, obj: ImportSource, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        kept = getattr(form, "kept_path", None)
        if kept:
            default_storage.delete(kept)

    @admin.action(description=_("Import the feed now"))
    def import_now(self, request, queryset) -> None:
        runs = [services.start_import(source=source) for source in queryset]
        self._tell(
            request, runs, queued=gettext("The imports are queued; their runs show the progress.")
        )

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


def _when(moment: datetime | None) -> str:
    return formats.localize(timezone.localtime(moment)) if moment else ""


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
    # What does not change; the status, the counts and the times are the live part's alone
    # (templates/admin/postings/importrun/change_form.html), which the page keeps up to date.
    fields = ["source", "language", "queued_at"]

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

    def progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """What the run's page polls: its counts, and the rows to expect, estimated once."""
        run = self._run(request, object_id)
        expected = import_runs.expected_rows(run)
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
                "started_at": _when(run.started_at),
                "finished_at": _when(run.finished_at),
            },
            headers={"Cache-Control": "no-store"},
        )

    def rejected_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The rejected rows, each with its number, its reason and, while the feed is there, the
        row as it was read: fix them in a spreadsheet and import them again."""
        run = self._run(request, object_id)
        header, rows = import_runs.rejected_rows(run)
        return csv_response(f"rejected-rows-{run.pk}.csv", header, rows)
