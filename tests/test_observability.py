"""Production observability: JSON log lines with request ids that follow a request into the
Celery tasks it queued, the trusted-proxy rule, and the Prometheus metrics at /metrics."""

import io
import json
import logging
import re
import time

import pytest
from celery.signals import task_success
from django.test import Client

from jobboard.observability import JsonFormatter, RequestIdFilter, request_id
from postings.models import ImportRun, ImportSource
from tests import factories
from tests.waiting import wait_until


@pytest.fixture
def log_lines():
    """What the production console handler writes, one parsed JSON object per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("jobboard.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db
def test_it_logs_each_request_as_one_json_line_with_the_given_request_id(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-4f2a9c1b"})
    assert response["X-Request-ID"] == "edge-4f2a9c1b"
    [line] = log_lines()
    assert line["request_id"] == "edge-4f2a9c1b"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["view"] == "healthz" and line["level"] == "INFO" and line["duration_ms"] >= 0


@pytest.mark.django_db
def test_it_makes_a_request_id_when_none_or_a_malformed_one_is_given(client, log_lines):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz", headers={"X-Request-ID": "bad id\n{}"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second
    assert [line["request_id"] for line in log_lines()] == [first, second]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_carries_the_request_id_into_the_tasks_the_request_queued(client, mailbox, worker):
    seen = []

    def record(sender, **kwargs) -> None:  # in the worker, as the task ends
        seen.append((sender.name, request_id.get()))

    task_success.connect(record)
    try:
        response = client.post(
            "/fr/alerts/new/?q=soudeur",
            {"email": "lea@example.org", "frequency": "daily"},
            headers={"X-Request-ID": "subscribe-8d3e1f"},
        )
        assert response.status_code == 302
        mailbox.wait_for(1)
        wait_until(lambda: seen, "the task's end", timeout=10)
    finally:
        task_success.disconnect(record)
    assert seen == [("alerts.tasks.send_confirmation", "subscribe-8d3e1f")]


@pytest.mark.django_db
def test_it_believes_forwarded_headers_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY = ["10.0.0.0/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_ENABLED = False
    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"}

    def seen(remote_addr: str) -> tuple[str, str | None]:
        response = Client(REMOTE_ADDR=remote_addr).get("/healthz", headers=forwarded)
        request = response.wsgi_request
        return request.META["REMOTE_ADDR"], request.scheme

    # Through the proxy: the address it saw (the rightmost), and the scheme it was told.
    assert seen("10.1.2.3") == ("203.0.113.9", "https")
    # Straight from a client: its own address, plain HTTP, whatever it claims.
    assert seen("192.0.2.50") == ("192.0.2.50", "http")


def scrape(client, **headers) -> str:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        metric, _, value = line.rpartition(" ")
        if metric == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    raise AssertionError(f"no sample {name}{labels} in the exposition")


@pytest.mark.django_db
def test_it_serves_metrics_to_the_same_host_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    factories.live_posting(language="fr", country="FR")
    factories.live_posting(language="fr", country="BE")
    factories.live_posting(language="de", country="DE")
    source = ImportSource.objects.create(
        company=factories.company("Acme"), name="feed", url="https://feeds.example/jobs.xml"
    )
    run = ImportRun.objects.create(
        source=source, status=ImportRun.Status.SUCCEEDED, created=120, updated=3, rejected=7
    )
    assert client.get("/fr/jobs/").status_code == 200

    text = scrape(client)
    assert sample(text, "jobboard_live_postings", language="fr") == 2
    assert sample(text, "jobboard_live_postings", language="de") == 1
    assert sample(text, "jobboard_live_postings", language="pl") == 0
    assert sample(text, "jobboard_import_rows_total", outcome="created") == run.created
    assert sample(text, "jobboard_import_rows_total", outcome="rejected") == run.rejected
    assert sample(text, "jobboard_import_runs", status="succeeded") == 1
    assert sample(text, "jobboard_alerts", state="active") == 0
    assert "jobboard_alerts_mailed_last_day 0.0" in text
    assert 'jobboard_http_request_duration_seconds_bucket{le="0.005",method="GET"' in text
    assert 'jobboard_http_db_queries_count{view="postings:list"}' in text
    assert "jobboard_http_db_duration_seconds_sum" in text
    if settings.REDIS_URL:
        assert sample(text, "jobboard_celery_queue_length", queue="imports") == 0


@pytest.mark.django_db
def test_it_refuses_metrics_through_the_proxy_and_from_other_hosts(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert Client(REMOTE_ADDR="192.0.2.50").get("/metrics").status_code == 403


@pytest.mark.django_db
def test_it_asks_for_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "scrape-9f8e7d6c5b4a"
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer scrape-0000"})
    assert wrong.status_code == 401
    remote = Client(REMOTE_ADDR="192.0.2.50")
    text = scrape(remote, Authorization="Bearer scrape-9f8e7d6c5b4a")
    assert "jobboard_live_postings" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_counts_celery_tasks_per_queue_and_state(client, mailbox, worker):
    def count(text: str, state: str) -> float:
        try:
            return sample(
                text,
                "jobboard_celery_tasks_total",
                queue="mail",
                task="alerts.tasks.send_confirmation",
                state=state,
            )
        except AssertionError:
            return 0

    before = count(scrape(client), "SUCCESS")
    mailbox.refuse = 1  # the first attempt meets a busy mail server and is retried
    client.post("/fr/alerts/new/", {"email": "lea@example.org", "frequency": "daily"})
    mailbox.wait_for(1)
    text = scrape(client)
    for _ in range(50):  # the metric is counted just after the mail is handed over
        if count(text, "SUCCESS") > before:
            break
        time.sleep(0.1)
        text = scrape(client)
    assert count(text, "SUCCESS") == before + 1
    assert count(text, "RETRY") >= 1
    assert (
        'jobboard_celery_task_duration_seconds_count{queue="mail",'
        'task="alerts.tasks.send_confirmation"}' in text
    )
    assert 'jobboard_celery_tasks_published_total{queue="mail"' in text
