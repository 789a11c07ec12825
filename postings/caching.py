"""Whole-page cache for the public pages that every visitor sees alike (home and lists).

A cached page is exact: its key holds its language's data version, which database triggers bump
in the same transaction as any write that changes the language's pages (a posting in it, a
company with postings in it, a category: migration 0014), and it expires at the next moment a
posting of the language goes live or expires by the clock alone. A write in one language leaves
the pages of the others cached.
"""

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import LanguageVersion

MAX_AGE = 600  # seconds; a cap, not a staleness: the version and the clock decide


def _reads() -> BaseDatabaseWrapper:
    """The connection the page's own queries read from. With a replica, the version must come
    from the same place as the data: a version read on the primary while the page is rendered
    from a replica that lags would store old content under the new version."""
    return connections[router.db_for_read(LanguageVersion)]


def data_version(language: str) -> int:
    with _reads().cursor() as cursor:
        cursor.execute("SELECT n FROM postings_languageversion WHERE language = %s", [language])
        row = cursor.fetchone()
    # No row yet: no write in the language since the table was emptied; the first one adds it.
    return row[0] if row else 0


def seconds_until_next_change(language: str) -> int:
    """Until a published posting of the language expires or goes live by the clock."""
    with _reads().cursor() as cursor:
        cursor.execute(
            """
            SELECT least(
                (SELECT min(expires_at) FROM postings_posting
                 WHERE status = 'published' AND language = %s AND expires_at > now()),
                (SELECT min(published_at) FROM postings_posting
                 WHERE status = 'published' AND language = %s AND published_at > now())
            )
            """,
            [language, language],
        )
        moment = cursor.fetchone()[0]
    if moment is None:
        return MAX_AGE
    return max(0, min(MAX_AGE, math.floor((moment - timezone.now()).total_seconds())))


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Stores the whole response, headers included (a feed's content type, its Last-Modified),
    under a key with the host: a page is only ever served again to the host it was made for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # "Posted within" windows slide with the clock at every instant: not cached.
        if request.method not in ("GET", "HEAD") or request.GET.get("posted_within"):
            return view(request, *args, **kwargs)
        language = request.LANGUAGE_CODE
        page = f"{language}:{data_version(language)}:{request.get_host()}:{request.get_full_path()}"
        key = "page:" + hashlib.sha256(page.encode()).hexdigest()
        if (stored := cache.get(key)) is not None:
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"]:
                response[name] = value
            return response
        # The next change by the clock is found before rendering, so a change during the
        # rendering still ends the entry, and the entry ends at that moment, however long the
        # rendering took.
        ends = time.monotonic() + seconds_until_next_change(language)
        response = view(request, *args, **kwargs)
        timeout = math.floor(ends - time.monotonic())
        # A response that sets a cookie belongs to one visitor.
        if response.status_code == 200 and timeout > 0 and not response.cookies:
            stored = {"content": response.content, "headers": list(response.items())}
            cache.set(key, stored, timeout)
        return response

    return wrapper
