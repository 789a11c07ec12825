import asyncio
import email
import email.policy
import re
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from jobboard.celery import app
from postings import caching
from tests.waiting import wait_until


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pool(django_db_setup):
    """Close the psycopg pool before the test database is dropped: it keeps connections open."""
    yield
    for connection in connections.all():
        connection.close()  # hand the main thread's connection back first
        connection.close_pool()


@pytest.fixture(autouse=True)
def _default_language():
    """A request made by an earlier test leaves its language active in this thread (the locale
    middleware activates one, nothing deactivates it): start each test in the default one."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests roll their writes back, so data versions repeat from test to test: start each
    with an empty page cache, and no part a process kept."""
    cache.clear()
    caching.recent.clear()


@pytest.fixture(autouse=True)
def _empty_task_queue():
    """Tasks that earlier tests queued without a worker name rows that no longer exist: start
    each test with an empty broker queue."""
    if not app.conf.task_always_eager:
        app.control.purge()


@pytest.fixture
def query_counts(client, settings, django_assert_max_num_queries):
    """The queries of an uncached page with 2, then 25 postings per page, at most `most` each."""

    def measure(url: str, *, most: int) -> list[int]:
        counts = []
        for per_page in (2, 25):
            settings.POSTINGS_PER_PAGE = per_page
            cache.clear()
            caching.recent.clear()
            with django_assert_max_num_queries(most) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    return measure


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the options of <select name=NAME>, skipping the empty "all" option."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}> on the page"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))
    return [(value, text.strip()) for value, text in options if value]


def hidden_value(html: str, name: str) -> str:
    """The value of <input type="hidden" name=NAME>, as a browser would send it back."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


class Mailbox:
    """What a real SMTP server (aiosmtpd, in this process) received. `refuse` answers the next
    N messages with a temporary failure (451), as a busy mail server does; addresses in
    `unknown` are refused for good (550), as a mailbox that does not exist is. `freeze` holds
    the next message that many seconds and then answers 451, as a stuck server does;
    `during_data`, when set, is called while the server holds a message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self.unknown: set[str] = set()
        self.refused: list[str] = []  # each recipient refused with 550, once per attempt
        self.freeze = 0.0
        self.during_data: Callable[[], None] | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.unknown:
            self.refused.append(address)
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.during_data:
            self.during_data()
        if self.freeze:
            seconds, self.freeze = self.freeze, 0
            await asyncio.sleep(seconds)
            return "451 4.3.0 Try again later"
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        assert isinstance(envelope.content, bytes)  # aiosmtpd decodes nothing by default
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 20) -> list[EmailMessage]:
        wait_until(
            lambda: len(self.messages) >= count,
            timeout=timeout,
            message=lambda: f"{count} mails: {len(self.messages)} arrived",
        )
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    """Django sends through SMTP to a server listening on loopback for this test."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


@pytest.fixture
def worker():
    """A real Celery worker on the test's broker (REDIS_URL), in a thread of this process.
    Tests using it need `django_db(transaction=True)`: the worker has its own connection."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    queues = [queue.name for queue in app.conf.task_queues]  # default, imports, mail, alerts
    with start_worker(
        app, pool="solo", queues=queues, perform_ping_check=False, shutdown_timeout=10
    ):
        yield
    app.conf.task_always_eager = eager
