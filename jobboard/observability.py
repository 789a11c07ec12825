"""Request ids and JSON logs: one JSON object per line, each carrying the id of the request (or
of the request that queued the task) it was written for, so one grep follows a request from
nginx through Django into the Celery tasks it queued."""

import ipaddress
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="")

# An id from outside (nginx's $request_id, a load balancer's) is kept when it looks like one.
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
HEADER = "X-Request-ID"
access_log = logging.getLogger("jobboard.request")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


# What every LogRecord has; anything else on a record came from `extra=` and is logged too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in _STANDARD and value
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def client_address(request: HttpRequest) -> str:
    """The client as every limit counts it (the API's, the alerts', password resets, login
    throttling): its address as TrustedProxyMiddleware resolved it, never a header the client
    writes itself; an IPv6 client by the first address of its /64, since one home line or one
    virtual machine holds a whole /64 and would otherwise get 2**64 allowances."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and not ip.ipv4_mapped:
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return address


class TrustedProxyMiddleware:
    """Forwarded headers count only from the proxies in TRUSTED_PROXY: from them, the client's
    address replaces the proxy's (for login throttling and rate limits) and X-Forwarded-Proto
    tells whether the client used HTTPS. From anyone else X-Forwarded-Proto is dropped, so that
    a client talking to the server directly cannot claim HTTPS; its X-Forwarded-For stays
    (nothing takes an address from it) and marks the request as forwarded for /metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = [ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXY]

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.proxies)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if self.trusted(meta.get("REMOTE_ADDR", "")):
            # The rightmost address no trusted proxy added is the client; those left of it
            # are whatever the client wrote.
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            for hop in reversed([hop for hop in hops if hop]):
                if not self.trusted(hop):
                    meta["REMOTE_ADDR"] = hop
                    break
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


# URL parts that are secrets (invitation, password reset and alert links): whoever reads the
# logs must not be able to open the link.
SECRET_URL_PARTS = ("token", "uidb64")


def _loggable_path(path: str, match) -> str:
    for name in SECRET_URL_PARTS:
        value = match.kwargs.get(name) if match else None
        if value:
            path = path.replace(str(value), f"<{name}>")
    return path


class RequestIdMiddleware:
    """Takes the request's id from X-Request-ID or makes one, echoes it in the response and
    writes one access log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        token = request_id.set(given if VALID_ID.match(given) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id.get()
            match = getattr(request, "resolver_match", None)
            path = _loggable_path(request.path, match)
            access_log.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "view": match.view_name if match else "",
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": request.META.get("REMOTE_ADDR", ""),
                },
            )
            return response
        finally:
            request_id.reset(token)


# Tasks queued while serving a request carry its id in their message headers, and run with it.
@before_task_publish.connect
def _send_request_id(headers: dict | None = None, **kwargs) -> None:
    if headers is not None and request_id.get():
        headers.setdefault("request_id", request_id.get())


@task_prerun.connect
def _receive_request_id(task=None, **kwargs) -> None:
    task.request.request_id_token = request_id.set(getattr(task.request, "request_id", None) or "")


@task_postrun.connect
def _forget_request_id(task=None, **kwargs) -> None:
    token = getattr(task.request, "request_id_token", None)
    if token is not None:
        request_id.reset(token)
