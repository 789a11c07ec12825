"""The import pipeline at scale: streaming readers, hashed chunked upserts, resumable runs on a
real Celery worker, URL feeds from a real HTTP server on loopback, the schedule sweep."""

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from postings import services, tasks
from postings.importers import UnreadableFile
from postings.importers.fetch import FeedUnavailable
from postings.importers.formats import read_rows
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent


def row(i: int) -> dict:
    return {
        "external_id": f"j{i}",
        "language": "fr",
        "title": f"Soudeur {i}",
        "company": "Ignored",
        "country": "FR",
        "description": f"<p>Atelier {i}</p><script>x()</script>",
    }


def feed_lines(count: int, *, bad_every: int = 0) -> bytes:
    rows = []
    for i in range(1, count + 1):
        item = row(i)
        if bad_every and i % bad_every == 0:
            item["country"] = "ZZ"
        rows.append(json.dumps(item))
    return ("\n".join(rows) + "\n").encode()


def make_source(name: str, content: bytes, **fields) -> ImportSource:
    return ImportSource.objects.create(
        company=factories.trusted_company("Acme"),
        name=name,
        feed=ContentFile(content, name=f"{name}.jsonl"),
        **fields,
    )


def wait_for(run: ImportRun, timeout: float = 180) -> ImportRun:
    def finished() -> bool:
        run.refresh_from_db()
        return run.status in ImportRun.FINISHED

    wait_until(
        finished,
        timeout=timeout,
        message=lambda: f"the run's end, still {run.status} at {run.rows_done} rows",
    )
    return run


def digest(source: str) -> str:
    """The postings of a source, as a hash of what a reader sees."""
    rows = Posting.objects.filter(source=source).order_by("external_id")
    fields = rows.values_list(
        "external_id",
        "title",
        "language",
        "country",
        "status",
        "description",
        "company__name",
        "import_hash",
        "slug",
        "search_context",
    )
    return hashlib.sha256(json.dumps(list(fields)).encode()).hexdigest()


def row_versions(source: str) -> list:
    """(id, updated_at, xmin) per posting: xmin changes with any UPDATE of the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, updated_at, xmin::text FROM postings_posting WHERE source = %s ORDER BY id",
            [source],
        )
        return cursor.fetchall()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_imports_10000_rows_with_100_bad_ones_and_reimports_without_a_write(media, worker):
    source = make_source("big", feed_lines(10_000, bad_every=100), default_language="fr")
    with translation.override("en"):
        run = wait_for(services.start_import(source=source))
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.rows_done, run.created, run.rejected) == (10_000, 9_900, 100)
    assert [error["row"] for error in run.errors] == list(range(100, 10_001, 100))
    assert run.errors[0]["reason"].startswith("country: “ZZ” is not a country code")
    assert Posting.objects.filter(source=source.posting_source, status="published").count() == 9_900
    before = row_versions(source.posting_source)

    run = wait_for(services.start_import(source=source))
    assert (run.created, run.updated, run.unchanged, run.rejected) == (0, 0, 9_900, 100)
    assert row_versions(source.posting_source) == before  # not one posting row was written


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_ends_a_run_whose_worker_was_killed_as_a_clean_run_ends(media, settings, request):
    settings.IMPORT_CHUNK_SIZE = 100
    content = feed_lines(3_000, bad_every=250)
    killed = make_source("killed", content, default_language="fr", full_sync=True)
    clean = make_source("clean", content, default_language="fr", full_sync=True)
    for source in (killed, clean):  # a posting each feed no longer lists: both close it
        Posting.objects.create(
            company=source.company,
            source=source.posting_source,
            external_id="gone",
            language="fr",
            title="Ancien",
            country="FR",
            description="x",
            status="published",
            published_at=timezone.now(),
        )
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
        "IMPORT_CHUNK_SIZE": "100",
        "MEDIA_ROOT": str(media),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobboard",
            "worker",
            "-P",
            "solo",
            "-Q",
            "imports,mail,default",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with translation.override("en"):
            run = services.start_import(source=killed)
        wait_until(
            lambda: ImportRun.objects.get(pk=run.pk).rows_done >= 300,
            "300 rows imported",
            timeout=120,
            interval=0.02,
        )
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING and 300 <= run.rows_done < 3_000

    # The sweep finds the run without a heartbeat for a minute and queues it again; another
    # worker resumes it.
    with transaction.atomic():
        assert services.queue_due_imports() == 0  # its last heartbeat is seconds old
    later = timezone.now() + timedelta(seconds=61)
    with transaction.atomic():
        assert services.queue_due_imports(now=later) == 1
    request.getfixturevalue("worker")
    run = wait_for(run)

    reference = ImportRun.objects.create(source=clean)
    services.run_import(run=reference)
    reference.refresh_from_db()
    assert run.status == reference.status == ImportRun.Status.SUCCEEDED
    counts = ("rows_done", "created", "updated", "unchanged", "rejected", "closed", "errors")
    assert [getattr(run, name) for name in counts] == [getattr(reference, name) for name in counts]
    assert (run.created, run.rejected, run.closed) == (2_988, 12, 1)
    assert digest(killed.posting_source) == digest(clean.posting_source)


@pytest.mark.parametrize(
    ("name", "head", "tail"),
    [
        ("feed.json", "[" + json.dumps(row(1)) + ",\n" + json.dumps(row(2))[:20], "}]"),
        ("feed.csv", "external_id,title\nj1,Soudeur\nj2,Sou", "deur\n"),
    ],
)
def test_it_streams_a_feed_and_yields_rows_before_the_file_is_complete(tmp_path, name, head, tail):
    path = tmp_path / name
    with path.open("w") as writer:
        writer.write(head)
        writer.flush()
        rows = read_rows(path)
        number, first = next(rows)  # the rest of the file is not written yet
        assert (number, first["external_id"]) == ((1, "j1") if name.endswith("json") else (2, "j1"))
        if name.endswith("json"):
            rest = json.dumps(row(2))[20:-1]
            writer.write(rest + tail)
        else:
            writer.write(tail)
    assert [r["external_id"] for _, r in rows] == ["j2"]


def test_it_reports_a_json_array_broken_after_some_rows_as_its_last_row(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text("[" + json.dumps(row(1)) + ", {oops")
    rows = list(read_rows(path))
    assert rows[0][1]["external_id"] == "j1"
    assert rows[1][1].final and "invalid JSON" in rows[1][1].reason
    path.write_text("[{oops")
    with pytest.raises(UnreadableFile):
        list(read_rows(path))


@pytest.mark.django_db
def test_it_closes_nothing_when_a_full_sync_feed_is_broken(media, settings):
    settings.IMPORT_CHUNK_SIZE = 1
    source = make_source("sync", feed_lines(3), default_language="fr", full_sync=True)
    services.run_import(run=ImportRun.objects.create(source=source))
    source.feed = ContentFile(b"[" + json.dumps(row(1)).encode() + b", {oops", name="f.json")
    source.save()
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.closed == 0
    assert "breaks off at row 2" in run.message and "could not be read to its end" in run.message
    assert Posting.objects.filter(source=source.posting_source, status="published").count() == 3


class Feed(BaseHTTPRequestHandler):
    body = b""
    etag = '"v1"'
    requests: list[dict] = []

    def do_GET(self) -> None:
        Feed.requests.append(dict(self.headers))
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/broken":
            self.send_error(500)
            return
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Last-Modified", "Sat, 28 Nov 2026 09:00:00 GMT")
        if self.path != "/unsized":  # a server that does not say how big: counted while read
            self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout, size limit)
            self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(settings):
    settings.IMPORT_ALLOW_PRIVATE_ADDRESSES = True  # it listens on loopback
    Feed.requests = []
    Feed.body = feed_lines(5)
    http = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    http.daemon_threads = True
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}"
    http.shutdown()
    http.server_close()


def url_source(url: str, **fields) -> ImportSource:
    fields = {"name": "remote", "schedule": ImportSource.Schedule.HOURLY, **fields}
    return ImportSource.objects.create(
        company=factories.trusted_company("Acme"), url=url, default_language="fr", **fields
    )


def fetched_files(media: Path) -> list[Path]:
    return list((media / "imports").glob("*")) if (media / "imports").exists() else []


def run_now(source: ImportSource) -> ImportRun:
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_it_fetches_a_url_feed_then_gets_304_with_its_etag(
    media, server, django_capture_on_commit_callbacks
):
    source = url_source(f"{server}/feed")
    with django_capture_on_commit_callbacks(execute=True):
        run = run_now(source)
    assert (run.status, run.created) == (ImportRun.Status.SUCCEEDED, 5)
    source.refresh_from_db()
    assert source.etag == '"v1"' and source.last_fetched_at is not None
    assert not fetched_files(media)  # the fetched copy ends with the run

    run = run_now(source)
    assert Feed.requests[-1]["If-None-Match"] == '"v1"'
    assert Feed.requests[-1]["If-Modified-Since"] == "Sat, 28 Nov 2026 09:00:00 GMT"
    assert (run.status, run.rows_done, run.unchanged) == (ImportRun.Status.SUCCEEDED, 0, 0)
    assert run.message == "The feed has not changed since the last fetch (HTTP 304)."


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/feed", "/unsized"])
def test_it_fails_a_run_whose_feed_is_too_large(media, server, settings, path):
    settings.IMPORT_MAX_BYTES = 100
    run = run_now(url_source(server + path))
    assert run.status == ImportRun.Status.FAILED
    assert run.message == (
        "The feed could not be read: the feed is larger than the limit of 100 bytes."
    )
    assert not Posting.objects.exists()
    assert not [path for path in fetched_files(media) if path.suffix == ".part"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/slow", "/broken"])
def test_it_retries_a_slow_or_failing_server_then_gives_up(media, server, settings, path):
    settings.IMPORT_FETCH_TIMEOUT = 0.5
    run = ImportRun.objects.create(source=url_source(server + path))
    with pytest.raises(FeedUnavailable) as error:
        services.run_import(run=run)
    assert FeedUnavailable in tasks.run_import.autoretry_for
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING  # the retry goes on from here
    tasks.run_import.on_failure(error.value, "task-id", (run.pk,), {}, None)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message.startswith("The import gave up after several attempts: the ")


@pytest.mark.django_db
def test_it_writes_run_messages_in_the_language_of_who_queued_it(media, server):
    source = url_source(f"{server}/feed")
    run_now(source)
    with translation.override("fr"):
        run = services.start_import(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert run.language == "fr" and "HTTP 304" in run.message
    assert run.message != "The feed has not changed since the last fetch (HTTP 304)."


@pytest.mark.django_db
def test_it_starts_one_run_per_due_source_however_often_the_sweep_runs(media, server):
    source = url_source(f"{server}/feed")
    manual = url_source(f"{server}/feed", name="manual", schedule=ImportSource.Schedule.MANUAL)
    now = timezone.now()
    assert services.queue_due_imports(now=now) == 1
    assert services.queue_due_imports(now=now) == 0
    source.refresh_from_db()
    assert source.next_run_at == now + timedelta(hours=1)
    # Due again while its run is still queued: no second run (the silent one is sent again).
    services.queue_due_imports(now=now + timedelta(hours=2))
    assert services.start_import(source=source) == source.runs.get()
    run = source.runs.get()
    services.run_import(run=run)
    assert services.queue_due_imports(now=now + timedelta(hours=2)) == 1
    assert source.runs.count() == 2 and not manual.runs.exists()


@pytest.mark.django_db
def test_it_wants_either_a_file_or_a_url(media):
    with translation.override("en"):
        source = ImportSource(company=factories.company("Acme"), name="neither")
        with pytest.raises(ValidationError, match="either a feed file or a feed URL"):
            source.full_clean()
        source.url, source.schedule = "", ImportSource.Schedule.DAILY
        source.feed = ContentFile(b"[]", name="f.json")
        with pytest.raises(ValidationError, match="Only a feed URL"):
            source.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            ImportSource.objects.create(company=source.company, name="none")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_writes_in_a_second_thread_what_it_writes_in_line():
    """An import of several chunks outside a transaction validates the next chunk while a thread
    writes the previous one; inside a transaction it writes in line. Both end the same."""
    from postings.importers import import_rows

    chunks: dict[str, list] = {"threaded": [], "inline": []}

    def run(source: str, rows: list[dict]):
        def on_chunk(chunk):
            chunks[source].append((threading.current_thread().name, chunk.errors))

        with translation.override("fr"):
            return import_rows(
                enumerate(rows, start=1), source=source, chunk_size=10, on_chunk=on_chunk
            )

    first = [row(i) for i in range(1, 31)]
    # j5 changes in the second chunk and changes back in the third: the third chunk's stored
    # hash must be read after the second chunk's commit, as in line.
    second = [
        *[row(i) for i in range(1, 11)],
        {**row(5), "title": "Soudeur B"},
        *[row(i) for i in range(32, 41)],
        row(5),
        {**row(41), "salary_min": 9, "salary_max": 1, "salary_currency": "EUR"},
        *[{**row(i), "title": f"Chaudronnier {i}"} for i in range(11, 19)],
    ]
    reports = {}
    for source in ("threaded", "inline"):
        for number, rows in enumerate((first, second)):
            if source == "inline":
                with transaction.atomic():
                    reports[source, number] = run(source, rows)
            else:
                reports[source, number] = run(source, rows)
    assert reports["threaded", 1] == reports["inline", 1]
    assert {name for name, _ in chunks["threaded"]} == {"import-writer"}
    assert {name for name, _ in chunks["inline"]} == {"MainThread"}
    errors = [errors for _, errors in chunks["threaded"] if errors]
    assert errors == [errors for _, errors in chunks["inline"] if errors]
    assert [(e.row, e.reason) for e in errors[0]] == [
        (22, "salary_max: Le salaire maximum ne peut pas être inférieur au salaire minimum.")
    ]
    assert (reports["inline", 1].created, reports["inline", 1].updated) == (9, 10)
    assert reports["inline", 1].rejected == 1
    assert digest("threaded") == digest("inline")
    assert Posting.objects.get(source="threaded", external_id="j5").title == "Soudeur 5"


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_it_fetches_nothing_off_the_public_internet(media, server, settings, host):
    settings.IMPORT_ALLOW_PRIVATE_ADDRESSES = False
    url = server.replace("127.0.0.1", host) + "/feed"
    run = run_now(url_source(url))
    assert run.status == ImportRun.Status.FAILED
    assert run.message.startswith("The feed could not be read: ")
    assert run.message.endswith(" is not an address on the public internet.")
    assert not Feed.requests  # not one byte went to the server
    assert not Posting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.0.0.7/feed.json",
        "http://[::1]:6379/",
        "https://intranet.localhost/feed.xml",
    ],
)
def test_it_refuses_a_private_feed_url_in_the_panel(url):
    source = ImportSource(
        company=factories.company("Acme"), name="internal", url=url, default_language="fr"
    )
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert error.value.message_dict == {"url": ["Feeds are fetched from the public internet only."]}
    source.url = "https://jobs.example.com/feed.xml"
    source.full_clean()


@pytest.mark.django_db
def test_it_explains_an_unreadable_file_and_a_bad_line_in_the_recruiters_language(media):
    lines = feed_lines(2) + b'{"external_id": "x-3", \xff}\n'
    source = make_source("mixed", lines, default_language="fr")
    with translation.override("de"):
        run = services.start_import(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.created, run.rejected) == (2, 1)
    assert run.errors == [{"row": 3, "reason": "die Zeile ist kein gültiges UTF-8"}]

    source = make_source("garbage", b"no json here\n", format="json")
    with translation.override("pl"):
        run = services.start_import(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "żaden wiersz pliku nie jest w formacie JSON" in run.message
