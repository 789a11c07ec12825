"""The error page of a request that failed: a database that cannot be reached in time is an
outage the visitor is told about (503, in their language, come back soon), not a bug (500)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from .metrics import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so it is in sys.exc_info()."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    DATABASE_UNAVAILABLE.labels(type(error).__name__).inc()
    logger.error("database unavailable: %r", error)
    # A page without a query: the template reads nothing but the active language.
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
