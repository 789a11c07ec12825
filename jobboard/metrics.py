"""Prometheus metrics: request latency and database work per view, Celery tasks per queue, and
business figures read from the database when Prometheus scrapes.

Under gunicorn and Celery's prefork pool several processes count; with PROMETHEUS_MULTIPROC_DIR
set (the image sets it) each writes its own file there and a scrape adds them up.
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack

from celery import current_app
from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
    worker_ready,
)
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric

REQUEST_SECONDS = Histogram(
    "jobboard_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_QUERIES = Histogram(
    "jobboard_http_db_queries",
    "Database queries per request, by view.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100),
)
DB_SECONDS = Histogram(
    "jobboard_http_db_duration_seconds",
    "Time spent in the database per request, by view.",
    ["view"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
TASKS_PUBLISHED = Counter(
    "jobboard_celery_tasks_published", "Tasks queued, by queue.", ["queue", "task"]
)
ENQUEUE_FAILURES = Counter(
    "jobboard_celery_enqueue_failures",
    "Tasks that could not be queued (the broker down, frozen or full), by task.",
    ["task"],
)
TASKS = Counter(
    "jobboard_celery_tasks",
    "Tasks run, by queue and end state (SUCCESS, FAILURE, RETRY, ...).",
    ["queue", "task", "state"],
)
MAILS = Counter(
    "jobboard_mails",
    "Invitations, password resets and posting mails by outcome: sent, deferred (4xx, retried), "
    "bounced (the recipient refused for good), refused (the message refused).",
    ["outcome"],
)
TASK_SECONDS = Histogram(
    "jobboard_celery_task_duration_seconds",
    "Time to run a task, by queue.",
    ["queue", "task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600),
)
CACHE_ERRORS = Counter(
    "jobboard_cache_errors",
    "Cache calls that failed (Redis down, frozen or full) and were answered as misses.",
    ["operation"],
)
DATABASE_UNAVAILABLE = Counter(
    "jobboard_database_unavailable",
    "Requests answered 503 because a database could not be reached in time, by error.",
    ["error"],
)


def view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unmatched"  # 404s would otherwise be one label each


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = {"count": 0, "seconds": 0.0}

        def measure(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries["count"] += 1
                queries["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with ExitStack() as wrappers:
            # Every database: with a replica, the public pages' queries run on its connection.
            for each in connections.all():
                wrappers.enter_context(each.execute_wrapper(measure))
            response = self.get_response(request)
        view = view_name(request)
        REQUEST_SECONDS.labels(view, request.method, response.status_code).observe(
            time.perf_counter() - started
        )
        DB_QUERIES.labels(view).observe(queries["count"])
        DB_SECONDS.labels(view).observe(queries["seconds"])
        return response


def _queue(task, delivery_info: dict | None) -> str:
    routed = (delivery_info or {}).get("routing_key")
    return routed or task.app.amqp.router.route({}, task.name)["queue"].name


@before_task_publish.connect
def _count_published(sender: str | None = None, routing_key: str = "", **kwargs) -> None:
    TASKS_PUBLISHED.labels(routing_key or "default", sender or "").inc()


_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str = "", **kwargs) -> None:
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_ended(task_id: str = "", task=None, state: str | None = None, **kwargs) -> None:
    queue = _queue(task, task.request.delivery_info)
    TASKS.labels(queue, task.name, state or "UNKNOWN").inc()
    if task_id in _started:
        TASK_SECONDS.labels(queue, task.name).observe(time.perf_counter() - _started.pop(task_id))


@worker_process_shutdown.connect
def _forget_worker_process(pid: int | None = None, **kwargs) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        multiprocess.mark_process_dead(pid)


@worker_ready.connect
def _serve_worker_metrics(**kwargs) -> None:
    """A worker has no web server: with CELERY_METRICS_PORT set, it serves its task metrics on
    that port for Prometheus to scrape."""
    port = int(os.environ.get("CELERY_METRICS_PORT") or 0)
    if port:
        start_http_server(port, registry=process_registry())


def process_registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


# What the apps read from their tables at each scrape: each app registers its own collector
# (a function yielding metric families) from its AppConfig.ready().
_business: list[Callable[[], Iterable[Metric]]] = []


def register_business(collect: Callable[[], Iterable[Metric]]) -> None:
    if collect not in _business:
        _business.append(collect)


class BusinessCollector:
    """Figures from the database and the broker, read at each scrape: a few grouped queries
    over small tables."""

    def collect(self) -> Iterator[Metric]:
        for collect in _business:
            yield from collect()

        if settings.REDIS_URL:
            import redis

            backlog = GaugeMetricFamily(
                "jobboard_celery_queue_length", "Messages waiting in a queue.", labels=["queue"]
            )
            broker = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
            for queue in current_app.conf.task_queues:
                backlog.add_metric([queue.name], broker.llen(queue.name))
            yield backlog


def has_token(request: HttpRequest) -> bool:
    """The request carries METRICS_TOKEN as a bearer token (never true without one set)."""
    if not settings.METRICS_TOKEN:
        return False
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode())


def from_same_host(request: HttpRequest) -> bool:
    """A client on loopback talking to the server directly, not through the proxy."""
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def allowed(request: HttpRequest) -> bool:
    """With METRICS_TOKEN, a scraper sends it as a bearer token; without, only a scraper on the
    same host, talking to the server directly (not through the proxy), gets the metrics."""
    return has_token(request) if settings.METRICS_TOKEN else from_same_host(request)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        if settings.METRICS_TOKEN:
            response.status_code = 401
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessCollector())
    body = generate_latest(process_registry()) + generate_latest(business)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
