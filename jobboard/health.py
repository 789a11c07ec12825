"""Probes: /healthz says the process answers, /readyz that its backing services do; and
robots.txt, the icon and the web app manifest, which browsers and crawlers read at fixed places."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, TimeoutError

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from . import metrics


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database(alias: str) -> None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connections[alias].close()  # this thread's connection goes back to the pool


def _redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()


# Each check has CHECK_SECONDS to answer, in threads of their own, so that /readyz turns red in
# time even when a server hangs instead of refusing (a frozen host, a full connection pool).
CHECK_SECONDS = 1.5
_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def _check(function: Callable[[str], None], argument: str) -> str:
    try:
        _checks.submit(function, argument).result(timeout=CHECK_SECONDS)
    except TimeoutError:
        return "error: timeout"
    except Exception as error:  # any failure means "not ready"; the reason goes in the body
        return f"error: {error.__class__.__name__}"
    return "ok"


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 when the database (or the replica the public pages read) is out of reach. Redis is
    reported but does not take the site out of service: pages are served without the cache,
    and work that cannot be queued is dispatched from the database once the broker is back."""
    checks = {
        name: _check(_database, alias)
        for alias, name in (("default", "database"), ("replica", "replica"))
        if alias in settings.DATABASES
    }
    ready = all(value == "ok" for value in checks.values())
    if settings.REDIS_URL:
        checks["broker"] = _check(_redis, settings.CELERY_BROKER_URL)
    if settings.CACHE_URL:
        checks["cache"] = _check(_redis, settings.CACHE_URL)
    degraded = any(value != "ok" for value in checks.values())
    body = {"status": "unavailable" if not ready else "degraded" if degraded else "ok"}
    # Which services there are, and how they fail, is for the operator's eyes only.
    if metrics.from_same_host(request) or metrics.has_token(request):
        body.update(checks)
    return JsonResponse(body, status=200 if ready else 503)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/jobs/*/apply/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Asked for by browsers and crawlers that read no <link rel="icon">. The static file's
    (hashed) name is looked up per request: the manifest may not exist when URLs are loaded."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@cache_control(public=True, max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest of one language version: its name, and its home as the start."""
    return JsonResponse(
        {
            "name": _("Job board"),
            "short_name": _("Job board"),
            "description": _(
                "Job offers written in your language, in every country where they are published."
            ),
            "lang": translation.get_language(),
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": reverse("postings:home"),
            "scope": "/",
            "display": "minimal-ui",
            "background_color": "#ffffff",
            "theme_color": "#0b5cad",  # the accent of static/css/site.css
            # PNGs beside the SVG: some browsers install an app only with a raster icon of
            # these sizes (drawn from favicon.svg, once, by Pillow).
            "icons": [
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
                *(
                    {
                        "src": static(f"icon-{size}.png"),
                        "sizes": f"{size}x{size}",
                        "type": "image/png",
                    }
                    for size in (192, 512)
                ),
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
