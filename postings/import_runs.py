"""Import runs: started from the admin or a schedule, sent to a worker, run chunk by chunk with
a heartbeat and a checkpoint, failed when their worker keeps dying; and what a run's page reads
besides the run (the rows to expect, its rejected rows as they were read)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, JSONField, OuterRef, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from jobboard.tasks import enqueue

from .importers import ChunkReport, ImportRowForm, RowError, UnreadableFile, import_rows
from .importers.estimate import estimate_rows
from .importers.fetch import fetch_feed
from .importers.formats import read_rows
from .models import ImportRun, ImportRunSeen, ImportSource, Posting


def stored_feed(run: ImportRun) -> Path | None:
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


def expected_rows(run: ImportRun) -> int | None:
    """The rows the feed holds, estimated once per run."""
    key = f"import-run-rows:{run.pk}"
    expected = cache.get(key)
    if expected is None and (path := stored_feed(run)) is not None:
        expected = estimate_rows(path, run.source.format)
        cache.set(key, expected, 3600)
    return expected


def rejected_rows(run: ImportRun) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of the rejected rows' table, in the active language: each row's
    number, its reason and, while the feed is there, the row as it was read, field by field, or
    as its line when it could not be split into fields."""
    reasons = {error["row"]: error["reason"] for error in run.errors}
    originals: dict[int, dict | str] = {}
    path = stored_feed(run)
    if reasons and path is not None:
        last = max(reasons)
        try:
            for number, row in read_rows(path, run.source.format):
                if number in reasons and isinstance(row, dict):
                    originals[number] = row
                elif number in reasons and isinstance(row, RowError) and row.raw is not None:
                    originals[number] = row.raw
                if number >= last:
                    break
        except UnreadableFile:
            originals = {}
    fields = list(ImportRowForm.base_fields)

    def cells(number: int) -> list:
        original = originals.get(number, {})
        if isinstance(original, str):
            return [number, reasons[number], *(None for _f in fields), original]
        return [number, reasons[number], *(original.get(f) for f in fields), None]

    header = [
        pgettext("rejected rows column", "row"),
        pgettext("rejected rows column", "reason"),
        *fields,  # the native format's names, which a corrected file is imported with
        pgettext("rejected rows column", "line as read"),
    ]
    return header, (cells(number) for number in sorted(reasons))


def start_import(*, source: ImportSource) -> ImportRun:
    """Queue a run of the source's feed, or return the one already queued or running; the task
    is sent once the run is committed (again for a queued run that no message carries yet)."""
    with transaction.atomic():
        # Two clicks (or a click and the schedule) at once queue one run.
        ImportSource.objects.select_for_update().filter(pk=source.pk).exists()
        run = source.runs.filter(status__in=ImportRun.ACTIVE).first()
        if run is None:
            language = translation.get_language() or settings.LANGUAGE_CODE
            run = ImportRun.objects.create(source=source, language=language)
        if run.status == ImportRun.Status.QUEUED and run.dispatched_at is None:
            transaction.on_commit(lambda: dispatch_imports([run.pk]))
    return run


def dispatch_imports(run_ids: list[int]) -> None:
    """Send a task for each run, noting on the run that the broker took it. A run that the
    broker refused keeps no mark, and the import sweep sends it once the broker is back."""
    for pk in run_ids:
        if enqueue("postings.tasks.run_import", pk):
            ImportRun.objects.filter(pk=pk).update(dispatched_at=timezone.now())


# A run queued this recently without its message is left to the request that queued it, whose
# message goes once its transaction commits: the sweep would only send it twice.
DISPATCH_GRACE = timedelta(seconds=5)


def queue_due_imports(*, now=None) -> int:
    """Start a run for each source whose schedule is due, and send the runs that have no live
    task: queued runs that no message carries (the broker was down) or whose message went
    IMPORT_STALE_SECONDS ago (the broker lost it), and running runs without a heartbeat for
    IMPORT_HEARTBEAT_TIMEOUT (their worker died: they resume from their checkpoint). Safe to run
    any number of times, concurrently too: a run held by a live worker is never run twice.
    Returns the runs sent."""
    now = now or timezone.now()
    sent = []
    with transaction.atomic():
        lost = ImportRun.objects.select_for_update(skip_locked=True).filter(
            Q(
                status=ImportRun.Status.QUEUED,
                dispatched_at__isnull=True,
                queued_at__lt=now - DISPATCH_GRACE,
            )
            | Q(
                status=ImportRun.Status.QUEUED,
                heartbeat_at__lt=now - timedelta(seconds=settings.IMPORT_STALE_SECONDS),
            )
            | Q(
                status=ImportRun.Status.RUNNING,
                heartbeat_at__lt=now - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT),
            )
        )
        for run in lost:
            run.heartbeat_at = now  # sent again one timeout later at the soonest
            run.save(update_fields=["heartbeat_at"])
            sent.append(run.pk)
        due = (
            ImportSource.objects.select_for_update(skip_locked=True, of=("self",))
            .exclude(schedule=ImportSource.Schedule.MANUAL)
            .exclude(url="")
            .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
            .exclude(
                Exists(ImportRun.objects.filter(source=OuterRef("pk"), status__in=ImportRun.ACTIVE))
            )
        )
        for source in due:
            sent.append(ImportRun.objects.create(source=source).pk)
            source.next_run_at = now + ImportSource.INTERVALS[source.schedule]
            source.save(update_fields=["next_run_at"])
        transaction.on_commit(lambda: dispatch_imports(sent))
    return len(sent)


@contextmanager
def _heartbeat(run: ImportRun) -> Iterator[None]:
    """Beat every quarter of IMPORT_HEARTBEAT_TIMEOUT while the run is held, from a thread with
    its own connection: a long fetch or chunk is not a dead worker, which the sweep would send
    the run for again. A run imported inside a transaction (a test's) beats with its chunks."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.IMPORT_HEARTBEAT_TIMEOUT / 4):
                with suppress(DatabaseError):  # the database away for a moment: beat again
                    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=beat, name="import-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _exclusive(run: ImportRun):
    """Whether this process holds the run: a session advisory lock, which the server releases
    when the connection ends, so a killed worker never keeps it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [IMPORT_LOCK, run.pk % 2**31])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [IMPORT_LOCK, run.pk % 2**31])


# Workers killed on the same checkpoint of a run (see ImportRun.attempts) before it fails.
IMPORT_MAX_DEATHS = 2

# The first key of the import runs' advisory locks ("imp" in ASCII); the second is the run's id.
IMPORT_LOCK = 0x696D70


def run_import(*, run: ImportRun) -> None:
    """Import the feed of `run` chunk by chunk, recording counts, rejected rows and the
    checkpoint with each chunk's rows; then, for a full sync, close what the feed no longer lists.

    The database is the source of truth: a finished run is left alone, a run that another worker
    holds too, and a run whose worker died goes on from its checkpoint to the state a clean run
    ends in. Database and network faults propagate for the task to retry."""
    with _exclusive(run) as held:
        run.refresh_from_db()
        if not held or run.status in ImportRun.FINISHED:
            return
        with translation.override(run.language):
            if run.attempts >= IMPORT_MAX_DEATHS:
                message = _(
                    "The import stopped twice at row %(row)s without finishing (its worker was "
                    "killed, out of memory perhaps): it is not tried again."
                ) % {"row": run.rows_done + 1}
                _fail(run, message=message)
                return
            # Committed before the import starts: a worker killed during it leaves the count.
            ImportRun.objects.filter(pk=run.pk).update(attempts=F("attempts") + 1)
            try:
                with _heartbeat(run):
                    _run(run)
            except Exception:
                # The failure came back to Python (a fault the task retries): no death.
                with suppress(DatabaseError):
                    ImportRun.objects.filter(pk=run.pk, attempts__gt=0).update(
                        attempts=F("attempts") - 1
                    )
                raise


def _run(run: ImportRun) -> None:
    source = run.source
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING,
        started_at=Coalesce("started_at", Value(now)),
        heartbeat_at=now,
    )
    try:
        path = _feed_path(run)
        if path is None:
            _finish(run, message=_("The feed has not changed since the last fetch (HTTP 304)."))
            return
        defaults = {"language": source.default_language} if source.default_language else {}
        report = import_rows(
            read_rows(path, source.format),
            source=source.posting_source,
            defaults=defaults,
            company=source.company,
            skip=run.rows_done,
            on_chunk=lambda chunk: _record(run, chunk, full_sync=source.full_sync),
        )
    except UnreadableFile as error:
        _fail(run, message=_("The feed could not be read: %(error)s.") % {"error": error})
        return
    if report.broken:
        # A feed cut short or garbled mid-file is a failure, however many rows came before.
        message = _(
            "The feed breaks off at row %(row)s: %(reason)s. The rows before it were imported."
        ) % {"row": report.broken.row, "reason": report.broken.reason}
        if source.full_sync:
            message += " " + _("The feed could not be read to its end, so no posting was closed.")
        _fail(run, message=message)
    else:
        _finish(run, close=source.full_sync)


def _feed_path(run: ImportRun) -> Path | None:
    """The file to read: the upload, or the URL's body fetched once per run and kept until the
    run ends. None when the server says the feed has not changed."""
    source = run.source
    if not source.url:
        return Path(source.feed.path)
    if run.feed and Path(run.feed.path).exists():
        return Path(run.feed.path)
    name = f"imports/run-{run.pk}"
    # A resumed run whose file is gone fetches it whole: a 304 would end it half done.
    conditional = run.rows_done == 0
    fetched = fetch_feed(
        url=source.url,
        destination=Path(settings.MEDIA_ROOT) / name,
        max_bytes=settings.IMPORT_MAX_BYTES,
        timeout=settings.IMPORT_FETCH_TIMEOUT,
        deadline=settings.IMPORT_FETCH_DEADLINE,
        etag=source.etag if conditional else "",
        last_modified=source.last_modified if conditional else "",
        allow_private=settings.IMPORT_ALLOW_PRIVATE_ADDRESSES,
    )
    now = timezone.now()
    if fetched.not_modified:
        ImportSource.objects.filter(pk=source.pk).update(last_fetched_at=now)
        return None
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(feed=name)
        ImportSource.objects.filter(pk=source.pk).update(
            etag=fetched.etag, last_modified=fetched.last_modified, last_fetched_at=now
        )
    run.feed.name = name
    return Path(run.feed.path)


def _record(run: ImportRun, chunk: ChunkReport, *, full_sync: bool) -> None:
    """Called inside the chunk's transaction: the checkpoint commits with the rows."""
    errors = [{"row": error.row, "reason": error.reason} for error in chunk.errors]
    ImportRun.objects.filter(pk=run.pk).update(
        rows_done=F("rows_done") + chunk.rows,
        attempts=0,  # progress: a new checkpoint
        created=F("created") + chunk.created,
        updated=F("updated") + chunk.updated,
        unchanged=F("unchanged") + chunk.unchanged,
        rejected=F("rejected") + len(errors),
        errors=CombinedExpression(
            F("errors"), "||", Value(errors, JSONField()), output_field=JSONField()
        ),
        heartbeat_at=timezone.now(),
    )
    if full_sync:
        ImportRunSeen.objects.bulk_create(
            [ImportRunSeen(run=run, external_id=external_id) for external_id in chunk.seen],
            ignore_conflicts=True,
        )


def _finish(run: ImportRun, *, close: bool = False, message: str = "") -> None:
    with transaction.atomic():
        closed = 0
        if close:
            seen = ImportRunSeen.objects.filter(run=run, external_id=OuterRef("external_id"))
            closed = (
                Posting.objects.filter(
                    company=run.source.company_id,
                    source=run.source.posting_source,
                    status=Posting.Status.PUBLISHED,
                )
                .exclude(Exists(seen))
                .update(status=Posting.Status.CLOSED, updated_at=timezone.now())
            )
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.SUCCEEDED,
            closed=closed,
            message=message,
            finished_at=timezone.now(),
        )
        _clean_up(run)


def _fail(run: ImportRun, *, message: str) -> None:
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
        )
        # The next fetch is unconditional: a 304 must not pass for an import of this version.
        ImportSource.objects.filter(pk=run.source_id).update(etag="", last_modified="")
        _clean_up(run)


def _clean_up(run: ImportRun) -> None:
    ImportRunSeen.objects.filter(run=run).delete()
    if run.feed:
        path = Path(run.feed.path)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def fail_import(*, run_id: int, error: Exception) -> None:
    """End a run whose task gave up: after its retries, or past IMPORT_TIME_LIMIT."""
    run = ImportRun.objects.select_related("source").filter(pk=run_id).first()
    if run is not None and run.status not in ImportRun.FINISHED:
        with translation.override(run.language):
            if isinstance(error, SoftTimeLimitExceeded):
                minutes = settings.IMPORT_TIME_LIMIT // 60
                message = ngettext(
                    "The import took longer than %(minutes)d minute: it was stopped at row "
                    "%(row)s.",
                    "The import took longer than %(minutes)d minutes: it was stopped at row "
                    "%(row)s.",
                    minutes,
                ) % {"minutes": minutes, "row": run.rows_done + 1}
            else:
                message = _("The import gave up after several attempts: %(error)s") % {
                    "error": error
                }
        _fail(run, message=message)
