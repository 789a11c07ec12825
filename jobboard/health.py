"""Probes: /healthz says the process answers, /readyz that its backing services do; and
robots.txt, which crawlers read at the same fixed place."""

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import metrics


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {}
    # The primary, and the replica when there is one: the public pages read from it.
    for alias, name in (("default", "database"), ("replica", "replica")):
        if alias not in settings.DATABASES:
            continue
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[name] = "ok"
        except Exception as error:  # any failure means "not ready"; the reason goes in the body
            checks[name] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            checks["redis"] = f"error: {error.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    # Which services there are, and how they fail, is for the operator's eyes only.
    if metrics.from_same_host(request) or metrics.has_token(request):
        body.update(checks)
    return JsonResponse(body, status=200 if ready else 503)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /*/jobs/*/apply/",
             f"Sitemap: {settings.SITE_URL}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
