"""Feed imports as Celery tasks: a company's source, runs with counts, full sync."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from postings import import_runs, services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.waiting import wait_until


def feed(*ids: str, bad: bool = False) -> ContentFile:
    rows = [
        {
            "external_id": i,
            "title": f"Soudeur {i}",
            "company": "Someone else",
            "country": "FR",
            "description": "<p>Atelier</p>",
        }
        for i in ids
    ]
    if bad:
        rows.append({"external_id": "bad", "title": "Sans pays", "description": "x"})
    return ContentFile("\n".join(json.dumps(row) for row in rows), name="feed.jsonl")


@pytest.fixture
def source(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ImportSource.objects.create(
        company=factories.trusted_company("Acme"),
        name="acme-ats",
        default_language="fr",
        full_sync=True,
        feed=feed("1", "2", "3", bad=True),
    )


def wait_for(run: ImportRun) -> ImportRun:
    def finished() -> bool:
        run.refresh_from_db()
        return run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED)

    wait_until(finished, message=lambda: f"the run's end, still {run.status}")
    return run


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_imports_a_feed_through_a_celery_worker(source, worker):
    with translation.override("en"), transaction.atomic():
        run = services.start_import(source=source)
    run = wait_for(run)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.updated, run.rejected) == (3, 0, 1)
    assert run.errors == [{"row": 4, "reason": "country: This field is required."}]
    postings = Posting.objects.filter(source=source.posting_source)
    # The source's company owns its rows, whatever a row says; the source's language fills in.
    assert {p.company.name for p in postings} == {"Acme"}
    assert {p.language for p in postings} == {"fr"}


@pytest.mark.django_db
def test_it_closes_what_a_full_sync_feed_no_longer_lists(source):
    services.run_import(run=ImportRun.objects.create(source=source))
    source.feed = feed("1", "3")
    source.save()
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.created, run.updated, run.unchanged, run.closed) == (0, 0, 2, 1)
    assert Posting.objects.get(external_id="2").status == Posting.Status.CLOSED
    assert Posting.objects.get(external_id="1").is_live


@pytest.mark.django_db
def test_it_runs_a_message_twice_without_a_change(source):
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    before = list(Posting.objects.values_list("id", "updated_at"))
    services.run_import(run=run)  # a repeated message for a finished run
    assert list(Posting.objects.values_list("id", "updated_at")) == before
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.created == 3


class WorkerDied(BaseException):
    """Like a SIGKILL: no except clause of the import catches it."""


@pytest.mark.django_db
def test_it_resumes_a_run_whose_worker_died_from_its_checkpoint(source, settings, monkeypatch):
    settings.IMPORT_CHUNK_SIZE = 1
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
    record = import_runs._record
    chunks = []

    def dies_after_two_chunks(run, chunk, **kwargs):
        if len(chunks) == 2:
            raise WorkerDied
        record(run, chunk, **kwargs)
        chunks.append(chunk)

    monkeypatch.setattr(import_runs, "_record", dies_after_two_chunks)
    run = ImportRun.objects.create(source=source)
    with pytest.raises(WorkerDied):
        services.run_import(run=run)
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.created) == (ImportRun.Status.RUNNING, 2, 2)

    monkeypatch.setattr(import_runs, "_record", record)
    services.run_import(run=run)  # the message again, or the sweep's
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.rows_done, run.created, run.rejected, run.closed) == (4, 3, 1, 1)
    assert [error["row"] for error in run.errors] == [4]
    assert Posting.objects.filter(source=source.posting_source, status="published").count() == 3


@pytest.mark.django_db
def test_it_fails_a_run_whose_file_cannot_be_read(source):
    source.feed = ContentFile(b"\x00\x01 not a feed", name="broken.json")
    source.format = "json"
    source.save()
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "no line of the file is JSON" in run.message
    assert not Posting.objects.exists()


# A publication date the form accepted, whose default expiry (+ POSTING_DEFAULT_DAYS) is past
# the last date Python can hold.
LAST_DAY = "9999-12-31T00:00:00Z"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"published_at": LAST_DAY}, "published_at"),
        ({"expires_at": LAST_DAY}, "expires_at"),
        # Scheduled 200 days ahead, for 400 days.
        ({"published_at": 200, "expires_at": 600}, "expires_at"),
    ],
)
def test_it_rejects_a_row_dated_past_its_bounds_and_imports_the_others(source, dates, field):
    now = timezone.now()
    dates = {
        name: (now + timedelta(days=value)).isoformat() if isinstance(value, int) else value
        for name, value in dates.items()
    }
    rows = [
        {
            "external_id": str(n),
            "title": f"Soudeur {n}",
            "company": "Acme",
            "country": "FR",
            "description": "<p>Atelier</p>",
        }
        for n in (1, 2, 3)
    ]
    rows[1].update(dates)
    source.feed = ContentFile("\n".join(json.dumps(row) for row in rows), name="feed.jsonl")
    source.save()
    run = ImportRun.objects.create(source=source, language="fr")
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == ("succeeded", 2, 1), run.message
    assert run.errors[0]["row"] == 2
    assert run.errors[0]["reason"].startswith(f"{field}: "), run.errors
    assert "un an" in run.errors[0]["reason"], run.errors  # in the run's language
