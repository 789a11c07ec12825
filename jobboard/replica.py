"""Reads of the public pages from a streaming replica (DATABASE_REPLICA_URL), everything else
from the primary.

A request's reads go to the replica only when the middleware opts it in: a safe method outside
the admin, the panel, the alert pages and the partner API, from a client that has not written
in the last REPLICA_PIN_SECONDS. Anything never opted in (Celery tasks, commands, the admin)
reads the primary, and so does the rest of a request once it has written.
"""

import re
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "primary_pin"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# Whether the current unit of work may read from the replica.
replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: object) -> str:
        # Inside a transaction on the primary, reads must see what it wrote (and the tests,
        # whose replica is a second connection to the test database, see their own rows).
        if replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        # What a request reads after its own write must include it: from here on, the primary.
        replica_reads.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica replays the primary's migrations


# Read the primary whoever asks: the admin, the panel and the partner API show their users what
# they have just written; the alert pages open from links mailed a moment after the write.
_PRIMARY_PATHS = re.compile(
    r"^/(?:admin/|api/v1/partner/|(?:{})/(?:panel|alerts)/)".format(
        "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    )
)


def may_read_replica(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and PIN_COOKIE not in request.COOKIES
        and not _PRIMARY_PATHS.match(request.path_info)
    )


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = replica_reads.set(may_read_replica(request))
        try:
            response = self.get_response(request)
        finally:
            replica_reads.reset(token)
        if request.method not in SAFE_METHODS:
            # Read your writes: this client's next reads go to the primary for a while longer
            # than the replica is expected to lag behind it.
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
