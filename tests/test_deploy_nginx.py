"""deploy/nginx in front of gunicorn (deploy/gunicorn.conf.py) with production settings, on
loopback ports: Debian's nginx runs the real configuration files, with only the addresses,
ports, certificate and static root of this machine put in."""

import gzip
import os
import re
import subprocess
import sys

import pytest
from django.db import connection

from tests.processes import (
    NGINX,
    ROOT,
    free_port,
    get,
    nginx_config,
    production_env,
    self_signed_certificate,
    stop,
    wait_for_port,
)
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"),
        reason="Debian's nginx is not installed (apt-get install nginx-light); CI installs it",
    ),
    # gunicorn reads the test database; nothing here writes to it.
    pytest.mark.django_db,
]


@pytest.fixture
def site(tmp_path):
    """gunicorn on the test database with production settings, nginx in front over HTTPS."""
    web, http_port, https_port = free_port(), free_port(), free_port()
    env = production_env(
        tmp_path,
        connection.settings_dict["NAME"],
        PORT=str(web),
        WEB_CONCURRENCY="2",
        LOG_FORMAT="json",
    )
    self_signed_certificate(tmp_path)
    config = nginx_config(tmp_path, webs=[web], http=http_port, https=https_port)
    with (tmp_path / "web.log").open("w") as web_log:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "jobboard.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=web_log,
        )
        nginx = subprocess.Popen(
            [
                NGINX or "nginx",
                "-p",
                str(tmp_path),
                "-c",
                str(config),
                "-e",
                str(tmp_path / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(web, gunicorn, "gunicorn")
            wait_for_port(https_port, nginx, "nginx")
            yield {"web": web, "http": http_port, "https": https_port, "logs": tmp_path}
        finally:
            stop(nginx)
            stop(gunicorn)


def test_it_serves_the_site_through_nginx(site):
    # Plain HTTP goes to HTTPS, whatever the client claims about its scheme.
    response, _ = get(site["http"], "/en/", tls=False, **{"X-Forwarded-Proto": "https"})
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/en/"

    # Over HTTPS the page is Django's, and Django knows the request was secure: it adds HSTS
    # only to secure requests, and with SECURE_SSL_REDIRECT it would redirect otherwise.
    response, body = get(site["https"], "/en/", **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(body).decode()
    assert '<html lang="en">' in html
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    request_id = response.headers["X-Request-ID"]

    # The stylesheet under its hashed name, from nginx's disk, cached for good, compressed.
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response, body = get(site["https"], stylesheet, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    cache_control = response.headers.get_all("Cache-Control")
    assert "max-age=315360000" in cache_control and "public, immutable" in cache_control
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"body" in gzip.decompress(body)

    # nginx's request id reached Django, which logged it (JSON) and sent it back.
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert f'"request_id": "{request_id}"' in (site["logs"] / "web.log").read_text()
    assert f'"request_id":"{request_id}"' in (site["logs"] / "access.log").read_text()


def test_it_limits_bursts_of_logins_and_subscriptions(site):
    def burst(path: str) -> list[int]:
        return [
            get(site["https"], path, method="POST", body="")[0].status  # Content-Length: 0
            for _ in range(10)
        ]

    # Django refuses the bodyless POSTs (no CSRF token) until nginx stops passing them on. The
    # rate gives back a request every 6 or 10 s, so on a busy machine a late one may pass again.
    for path in ("/admin/login/", "/fr/alerts/new/"):
        statuses = burst(path)
        assert statuses[0] == 403 and 429 in statuses, (path, statuses)
    # Reading the forms is not limited.
    assert [get(site["https"], "/admin/login/")[0].status for _ in range(10)] == [200] * 10


def test_it_keeps_metrics_off_the_public_site_and_on_the_app_port(site):
    assert get(site["https"], "/metrics")[0].status == 403
    get(site["https"], "/en/")
    response, body = get(site["web"], "/metrics", tls=False)
    assert response.status == 200
    text = body.decode()
    # Counted by the gunicorn worker that served the page, read by whichever one was scraped.
    assert re.search(
        r'jobboard_http_request_duration_seconds_count\{method="GET",status="200",'
        r'view="postings:home"\} [1-9]',
        text,
    ), text[:2000]
    assert "jobboard_live_postings" in text


def test_it_keeps_the_secrets_of_links_out_of_its_access_log(site):
    # Whoever reads the logs must not be able to open an invitation, an alert's management
    # page or a password reset: nginx logs these paths with the secret part replaced, as
    # Django's own access log does.
    paths = {
        "/fr/alerts/confirm/s3cretConfirm/": "/fr/alerts/confirm/<token>/",
        "/fr/alerts/manage/s3cretManage/7/delete/": "/fr/alerts/manage/<token>/7/delete/",
        "/fr/alerts/unsubscribe/s3cretOneClick/?a=1": "/fr/alerts/unsubscribe/<token>/?a=1",
        "/panel/invitation/s3cretInvite/": "/panel/invitation/<token>/",
        "/admin/reset/s3cretUid/s3cretReset/": "/admin/reset/<uidb64>/<token>/",
    }
    for path in paths:
        get(site["https"], path)

    # nginx writes a request's line after its response has gone: wait for the last one.
    access_log = site["logs"] / "access.log"
    log = wait_until(
        lambda: (text := access_log.read_text()).count("\n") >= len(paths) and text,
        lambda: f"nginx to log the {len(paths)} requests: {access_log.read_text()}",
        timeout=10,
    )
    assert "s3cret" not in log
    for logged in paths.values():
        assert f'"uri":"{logged}"' in log, log
