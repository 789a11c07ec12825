from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .importers import UnreadableFile, import_rows
from .importers.formats import read_rows
from .models import ImportRun, ImportSource, Posting


def expire_due_postings() -> int:
    """Mark published postings past their expiry as expired. Safe to run any number of times."""
    now = timezone.now()
    return Posting.objects.filter(
        status=Posting.Status.PUBLISHED, expires_at__lte=now
    ).update(status=Posting.Status.EXPIRED, updated_at=now)


def start_import(*, source: ImportSource) -> ImportRun:
    """Queue a run of the source's feed; the task is sent once the run is committed."""
    from . import tasks

    run = ImportRun.objects.create(source=source)
    transaction.on_commit(lambda: tasks.run_import.delay(run.pk))
    return run


def run_import(*, run: ImportRun) -> None:
    """Import the feed of `run`, recording counts, rejected rows and timings on it.

    The database is the source of truth: a run that finished is left alone, and a run whose
    worker died is run again from the start, which ends in the same state (upserts by
    (source, external_id), unchanged rows untouched)."""
    if run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED):
        return
    source = run.source
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])

    def progress(rows: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_done=rows)

    defaults = {"language": source.default_language} if source.default_language else {}
    try:
        report = import_rows(
            read_rows(Path(source.feed.path), source.format),
            source=source.name,
            defaults=defaults,
            company=source.company,
            progress=progress,
        )
    except UnreadableFile as error:
        run.status, run.message = ImportRun.Status.FAILED, str(error)
    else:
        if source.full_sync:
            run.closed = (
                Posting.objects.filter(source=source.name, status=Posting.Status.PUBLISHED)
                .exclude(external_id__in=report.seen)
                .update(status=Posting.Status.CLOSED, updated_at=timezone.now())
            )
        run.status = ImportRun.Status.SUCCEEDED
        run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
        run.rejected = len(report.errors)
        run.rows_done = report.total
        run.errors = [{"row": error.row, "reason": error.reason} for error in report.errors]
    run.finished_at = timezone.now()
    run.save()
