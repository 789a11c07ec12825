"""Scale-out on one machine: nginx in front of two gunicorn instances, two Celery workers and
one beat, against one PostgreSQL and one Redis, all on loopback with production settings. A
recruiter, a visitor and a subscriber go through nginx only: browse, publish, import, alert.
The test database, the broker and the cache are the test process's own, so it can look."""

import http.cookiejar
import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from alerts.models import Alert
from jobboard.celery import app
from postings import tasks
from postings.models import ImportRun, Posting
from tests import factories
from tests.processes import (
    NGINX,
    ROOT,
    free_port,
    nginx_config,
    self_signed_certificate,
    stop,
    wait_for_port,
)
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"),
        reason="Debian's nginx is not installed (apt-get install nginx-light); CI installs it",
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    # The processes read and write the test database: rows must be committed to be seen.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SWEEP_SECONDS = 2  # beat's instant alert sweep, here


class Cluster:
    def __init__(self, folder: Path, https: int, webs: list[int]) -> None:
        self.folder, self.https, self.webs = folder, https, webs
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("w") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def tails(self) -> str:
        return "\n".join(
            f"---- {name}:\n" + "\n".join(self.log(name).splitlines()[-15:])
            for name, _process in self.processes
        )


@pytest.fixture
def cluster(tmp_path, mailbox, settings):
    webs = [free_port(), free_port()]
    http_port, https_port = free_port(), free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "scale-out-test-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
        "TRUSTED_PROXY": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",  # the mailbox fixture's
        "ALERT_INSTANT_SECONDS": str(SWEEP_SECONDS),
        "LOG_FORMAT": "json",
        "BIND": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    self_signed_certificate(tmp_path)
    config = nginx_config(tmp_path, webs=webs, http=http_port, https=https_port)
    site = Cluster(tmp_path, https_port, webs)
    try:
        for number, port in enumerate(webs, start=1):
            site.start(
                f"web{number}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "deploy/gunicorn.conf.py",
                    "jobboard.wsgi",
                ],
                {
                    **env,
                    "PORT": str(port),
                    "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics{number}"),
                },
            )
        for name in ("worker1", "worker2"):
            site.start(
                name,
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "jobboard",
                    "worker",
                    "--pool",
                    "solo",
                    "-Q",
                    "imports,mail,default,alerts",
                    "-n",
                    f"{name}-{uuid.uuid4().hex[:8]}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "info",
                ],
                env,
            )
        site.start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jobboard",
                "beat",
                "-l",
                "info",
                "-s",
                str(tmp_path / "beat-schedule"),
                "--pidfile",
                str(tmp_path / "beat.pid"),
            ],
            env,
        )
        site.start(
            "nginx",
            [
                NGINX or "nginx",
                "-p",
                str(tmp_path),
                "-c",
                str(config),
                "-e",
                str(tmp_path / "nginx-error.log"),
            ],
            env,
        )
        processes = dict(site.processes)
        for number, port in enumerate(webs, start=1):
            wait_for_port(port, processes[f"web{number}"], f"gunicorn {number}")
        wait_for_port(https_port, processes["nginx"], "nginx")
        wait_until(
            lambda: len(app.control.inspect(timeout=1).ping() or {}) >= 2,
            "the two workers to answer",
            timeout=60,
        )
        yield site
    except BaseException:
        print(site.tails())
        raise
    finally:
        for _name, process in reversed(site.processes):
            stop(process)


class Browser:
    """Someone using the site through nginx over HTTPS, with their own cookies."""

    def __init__(self, port: int) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        self.base = f"https://localhost:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPSHandler(context=context),
        )
        self.page = ""

    def open(self, path: str, data: bytes | None = None, content_type: str = "") -> str:
        # nginx passes the host without the port on; Django checks a POST's Referer against it.
        headers = {"Referer": "https://localhost" + path}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(  # noqa: S310 (https, to the test's own nginx)
            self.base + path, data=data, headers=headers
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                self.page = response.read().decode()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{path}: {error.code}\n{error.read().decode()[:2000]}") from None
        return self.page

    def submit(self, path: str, fields: dict, files: dict | None = None) -> str:
        """POSTs a form to `path` with the CSRF token of the page last opened."""
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page)
        assert found, self.page
        token = found.group(1)
        fields = {"csrfmiddlewaretoken": token, **fields}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, (filename, content) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.open(path, body, f"multipart/form-data; boundary={boundary}")


def titles(html: str) -> set[str]:
    return set(re.findall(r'class="posting-card".*?<a [^>]*>([^<]+)</a>', html, re.S))


POSTING = {
    "language": "fr",
    "category": "",
    "country": "BE",
    "city": "Liège",
    "remote": "onsite",
    "employment_type": "full_time",
    "responsibilities": "",
    "requirements": "",
    "nice_to_have": "",
    "salary_min": "",
    "salary_max": "",
    "salary_currency": "",
    "salary_period": "",
    "apply_url": "https://jobs.example/apply",
    "apply_email": "",
}


def test_it_runs_the_whole_cycle_on_two_web_instances_and_two_workers(cluster, mailbox):
    acme = factories.company("Acme")
    acme.trusted = True  # its recruiters publish without review
    acme.save()
    recruiter = factories.recruiter(acme, "claire@acme.example", language="fr")
    factories.live_posting(company=acme, language="fr", country="FR", title="Soudeur")
    visitor, subscriber, claire = (Browser(cluster.https) for _ in range(3))

    # Browse: each instance renders the French list once and caches it in the shared Redis.
    for _ in range(6):
        assert titles(visitor.open("/fr/jobs/")) == {"Soudeur"}
    served = [cluster.log(f"web{n}").count('"view": "postings:list"') for n in (1, 2)]
    assert all(served), f"nginx sent the list to one instance only: {served}"

    # A visitor subscribes to Belgian jobs in French and confirms from the mail.
    subscriber.open("/fr/alerts/new/?country=BE")
    subscriber.submit(
        "/fr/alerts/new/?country=BE", {"email": "lea@example.org", "frequency": "instant"}
    )
    (confirmation,) = mailbox.wait_for(1)
    text = confirmation.get_body(("plain",)).get_content()
    path = re.search(r"https://localhost(/fr/alerts/confirm/[^/\s]+/)", text)
    subscriber.open(path.group(1))
    subscriber.submit(path.group(1), {})
    assert Alert.objects.get().confirmed_at is not None

    # Publish through the panel.
    claire.open("/admin/login/")
    claire.submit(
        "/admin/login/?next=/admin/",
        {"username": recruiter.username, "password": factories.PASSWORD},
    )
    claire.open("/admin/postings/posting/add/")
    claire.submit(
        "/admin/postings/posting/add/",
        {
            **POSTING,
            "title": "Chaudronnier",
            "company": acme.pk,
            "description": "<p>Atelier de chaudronnerie à Liège.</p>",
            "_submit": "1",
        },
    )
    assert Posting.objects.get(title="Chaudronnier").is_live

    # Coherent caches: whichever instance answers, the new posting is there, and the country
    # list gained Belgium.
    for _ in range(6):
        page = visitor.open("/fr/jobs/")
        assert titles(page) == {"Soudeur", "Chaudronnier"}
        assert re.search(r'<option value="BE"[^>]*>Belgique \(1\)', page)

    # The alert: beat's sweep runs every SWEEP_SECONDS on either worker; one mail, once.
    alerts = wait_until(
        lambda: [m for m in mailbox.to("lea@example.org") if m["List-Unsubscribe"]],
        "the alert mail",
    )
    time.sleep(4 * SWEEP_SECONDS)  # more sweeps, on both workers
    assert len([m for m in mailbox.to("lea@example.org") if m["List-Unsubscribe"]]) == 1
    body = alerts[0].get_body(("plain",)).get_content()
    assert "Chaudronnier" in body and "Soudeur" not in body  # France is not Belgium
    assert len(mailbox.messages) == 2  # the confirmation and the alert, nothing else

    # Import: an upload through the panel, queued twice on purpose (a message delivered twice
    # reaches both workers); it runs once.
    rows = [
        {
            "external_id": f"f-{n}",
            "title": title,
            "company": "Acme",
            "country": "BE",
            "description": "<p>Atelier</p>",
        }
        for n, title in enumerate(["Tuyauteur", "Soudeuse", "Monteur"])
    ]
    claire.open("/admin/postings/importsource/add/")
    claire.submit(
        "/admin/postings/importsource/add/",
        {
            "company": acme.pk,
            "name": "acme-feed",
            "format": "auto",
            "default_language": "fr",
            "schedule": "manual",
            "url": "",
            "_import": "1",
        },
        files={"feed": ("feed.jsonl", "\n".join(json.dumps(row) for row in rows).encode())},
    )
    run = ImportRun.objects.get(source__name="acme-feed")
    tasks.run_import.delay(run.pk)
    wait_until(lambda: ImportRun.objects.get(pk=run.pk).status in ImportRun.FINISHED, "the import")
    time.sleep(2)  # the duplicate message, on the other worker
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == (ImportRun.Status.SUCCEEDED, 3, 0)
    assert ImportRun.objects.filter(source__name="acme-feed").count() == 1
    assert Posting.objects.filter(external_id__startswith="f-").count() == 3
    for _ in range(4):
        assert {"Tuyauteur", "Soudeuse", "Monteur"} <= titles(visitor.open("/fr/jobs/"))
    # And it was a real cluster: both workers ran tasks.
    for name in ("worker1", "worker2"):
        assert "succeeded in" in cluster.log(name), cluster.tails()
