from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.tenancy import CompanyScopedAdmin
from jobboard.csv_files import csv_response

from .. import import_runs, services
from ..models import ImportRun, ImportSource
from .base import URL_FIELDS


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
