"""The edge in production settings: security headers and cookie flags as a browser gets them
from gunicorn, the templates that keep the Content-Security-Policy strict, and what /readyz
tells a stranger."""

import re
import subprocess
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation
from tests import factories
from tests.processes import ROOT, free_port, get, production_env, stop, wait_for_port

TEMPLATES = ROOT / "templates"


@pytest.fixture
def production(tmp_path):
    """gunicorn with production settings (DEBUG off) on the test database, as behind nginx:
    its address is the trusted proxy, which says the client came over HTTPS."""
    port = free_port()
    env = production_env(
        tmp_path, connection.settings_dict["NAME"], PORT=str(port), WEB_CONCURRENCY="1"
    )
    with (tmp_path / "web.log").open("w") as log:
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
            stderr=log,
        )
        try:
            wait_for_port(port, gunicorn, "gunicorn")

            def request(path: str, **kwargs):
                headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
                return get(port, path, tls=False, **headers, **kwargs)

            yield request
        finally:
            stop(gunicorn)


def cookie(response, name: str):
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    assert name in jar, f"no {name} cookie"
    return jar[name]


def assert_secure_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    csp = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in (part.strip() for part in policy.split(";"))
        if directive
    )
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def assert_cookie_flags(morsel, *, httponly: bool) -> None:
    assert morsel["secure"] is True, morsel.key
    assert morsel["samesite"] == "Lax", morsel.key
    assert bool(morsel["httponly"]) is httponly, morsel.key


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_security_headers_and_secure_cookies_in_production(production):
    factories.live_posting(language="en", title="Welder")
    factories.moderator("marc@moderation.example")

    response, _ = production("/en/")
    assert response.status == 200
    assert_secure_headers(response)
    response, _ = production(
        "/i18n/setlang/",
        method="POST",
        body=urlencode({"language": "fr", "next": "/fr/"}),
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 302
    assert_cookie_flags(cookie(response, "django_language"), httponly=True)

    response, body = production("/api/v1/postings?language=en")
    assert response.status == 200 and b"Welder" in body
    assert_secure_headers(response)

    response, body = production("/admin/login/")
    assert response.status == 200
    assert_secure_headers(response)
    csrf = cookie(response, "csrftoken")
    assert_cookie_flags(csrf, httponly=False)  # Django's forms read it from the page, not JS
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    response, _ = production(
        "/admin/login/",
        method="POST",
        body=urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "marc@moderation.example",
                "password": factories.PASSWORD,
                "next": "/admin/",
            }
        ),
        **{
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf.value}",
            "Origin": "https://localhost",
            "Referer": "https://localhost/admin/login/",
        },
    )
    assert response.status == 302 and response.headers["Location"] == "/admin/"
    assert_secure_headers(response)
    assert_cookie_flags(cookie(response, "sessionid"), httponly=True)


def test_it_has_no_inline_script_style_or_event_handler_in_any_template():
    """The policy runs no inline script or style: a template with one would break under it.
    JSON-LD is data, which the policy lets be."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if "email" in template.parts:  # mails are read by mail clients, not under our CSP
            continue
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag and 'type="application/ld+json"' not in tag:
                offenders.append((template.name, tag))
        offenders += [(template.name, attr) for attr in re.findall(r"\s(on\w+|style)=", html)]
        offenders += [(template.name, "<style>") for _ in re.findall(r"<style\b", html)]
    assert not offenders


@pytest.mark.django_db
def test_it_says_only_ready_or_not_to_the_public(settings):
    stranger = Client(REMOTE_ADDR="192.0.2.50")
    assert stranger.get("/readyz").json() == {"status": "ok"}
    settings.REDIS_URL = "redis://127.0.0.1:1"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = stranger.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "degraded"})
    # Through a proxy on the same host, the client is still a stranger.
    proxied = Client(REMOTE_ADDR="127.0.0.1").get(
        "/readyz", headers={"X-Forwarded-For": "192.0.2.50"}
    )
    assert proxied.json() == {"status": "degraded"}


@pytest.mark.django_db
def test_it_names_the_components_to_loopback_and_to_the_metrics_token(settings):
    assert Client(REMOTE_ADDR="127.0.0.1").get("/readyz").json()["database"] == "ok"
    settings.METRICS_TOKEN = "s3cret-token"
    stranger = Client(REMOTE_ADDR="192.0.2.50")
    assert "database" not in stranger.get("/readyz").json()
    wrong = stranger.get("/readyz", headers={"Authorization": "Bearer nope"})
    assert "database" not in wrong.json()
    scraper = stranger.get("/readyz", headers={"Authorization": "Bearer s3cret-token"})
    assert scraper.json()["database"] == "ok"


@pytest.mark.django_db
def test_it_locks_out_logins_whatever_forwarded_for_the_client_writes(client):
    """A guard: axes keys on the address the site resolves, as the other limits do."""
    user = factories.recruiter(factories.company("Acme"))
    statuses = [
        client.post(
            "/admin/login/",
            {"username": user.username, "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 4 + [429] * 2


@pytest.mark.django_db
def test_it_locks_out_password_guesses_from_one_ipv6_network(settings):
    """Each guess from another address of one /64 (what one home line or virtual machine
    holds) counts towards the same lock-out."""
    factories.recruiter(factories.company("Laiterie Paul"), "paul@paul.example")
    for guess in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker = Client(REMOTE_ADDR=f"2001:db8:5:6::{guess + 1:x}")
        attacker.post("/admin/login/", {"username": "paul@paul.example", "password": f"x{guess}"})
    attacker = Client(REMOTE_ADDR="2001:db8:5:6::beef")
    response = attacker.post(
        "/admin/login/", {"username": "paul@paul.example", "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    neighbour = Client(REMOTE_ADDR="2001:db8:5:7::1")  # the next /64 is someone else
    response = neighbour.post(
        "/admin/login/", {"username": "paul@paul.example", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_writes_no_invitation_or_reset_token_to_the_access_log(client, caplog):
    """Whoever reads the logs could otherwise open the link."""
    invitation = Invitation.objects.create(
        company=factories.company("Dubois"), email="new@dubois.example"
    )
    owner = factories.moderator("boss@board.example")
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    reset_token = default_token_generator.make_token(owner)
    caplog.set_level("INFO", logger="jobboard.request")
    assert client.get(f"/en/panel/invitation/{invitation.token}/").status_code == 200
    assert client.get(f"/admin/reset/{uid}/{reset_token}/").status_code == 302
    lines = [f"{record.getMessage()} {vars(record)}" for record in caplog.records]
    assert any("/en/panel/invitation/<token>/" in line for line in lines), lines
    for secret in (invitation.token, reset_token, uid):
        assert not any(secret in line for line in lines), secret


@pytest.mark.django_db
def test_it_lets_the_browser_load_a_companys_logo(client):
    company = factories.company("Dubois")
    company.logo_url = "https://cdn.dubois.example/logo.png"
    company.save()
    posting = factories.live_posting(company=company, language="fr")
    response = client.get(posting.get_absolute_url())
    assert 'src="https://cdn.dubois.example/logo.png"' in response.content.decode()
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "https:" in policy["img-src"].split()


@pytest.mark.django_db
def test_it_answers_odd_list_filters_without_an_error_or_a_redirect_elsewhere(client):
    factories.live_posting(language="en", country="DE", salary_min=50_000, salary_currency="EUR")
    odd = [
        {"salary_min": value}
        for value in ("1e308", "-5", "NaN", "inf", "99999999999999999999", "0x10", "\x00")
    ]
    odd += [
        {"salary_min": "40000", "salary_currency": value}
        for value in ("€", "eur", "X" * 10_000, "\x00", "EUR\r\nSet-Cookie: a=b", "%", "XAU")
    ]
    odd += [{"salary_min": "40000", "salary_period": value} for value in ("decade", "\x00", "")]
    # The largest minimum per hour: 20 billion a year, past a 32-bit integer.
    odd += [{"salary_min": "10000000", "salary_period": "hour", "salary_currency": "IDR"}]
    odd += [
        {"dropped": ["<script>alert(1)</script>", *["FR"] * 900]},
        {"country": ["BE", "//evil.example", "FR\r\nLocation: //evil.example"]},
        {"q": "\x02welder\x03 <mark>", "sort": "\x00"},
    ]
    for params in odd:
        response = client.get("/en/jobs/", params)
        assert response.status_code in (200, 302), params
        if response.status_code == 302:
            # The same page, its query only: never another site, never a header of its own.
            assert response["Location"].startswith("?"), params
            assert "\r" not in response["Location"] and "\n" not in response["Location"]
        else:
            assert "<script>alert" not in response.content.decode(), params
        assert "a=b" not in response.cookies
        api = client.get("/api/v1/postings", {"language": "en", **params})
        assert api.status_code in (200, 422), params


@pytest.mark.django_db
def test_it_takes_any_from_parameter_without_an_error(client):
    # "²" and "٣" are digits to str.isdigit(); only the second is a number to int().
    for value in ("²", "٣", "99999999999999999999999", "-1", "1e3", "\x00"):
        assert client.get("/en/jobs/", {"from": value}).status_code == 200, value
