"""The public read API, as a partner's client sees it."""

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    now = timezone.now()
    sales = factories.category("sales")
    return [
        factories.live_posting(
            language="fr",
            country="BE" if n % 3 else "FR",
            category=sales,
            title=f"Commercial {n}",
            published_at=now - timedelta(hours=n),
        )
        for n in range(25)
    ] + [factories.live_posting(language="de", country="DE", title="Verkäufer")]


def test_it_lists_the_same_postings_as_the_list_page(client, board):
    api = client.get("/api/v1/postings?language=fr&country=BE&category=sales&limit=20").json()
    html = client.get("/fr/jobs/?country=BE&category=sales").content.decode()
    page_links = re.findall(r'<h3><a href="([^"]+)">', html)
    assert [item["url"].split("8000", 1)[1] for item in api["items"]] == page_links
    assert {item["language"] for item in api["items"]} == {"fr"}


def test_it_walks_every_posting_once_with_cursors(client, board):
    seen, cursor = [], ""
    for _ in range(5):
        page = client.get(f"/api/v1/postings?language=fr&limit=10&cursor={cursor}").json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    french = [p.pk for p in board if p.language == "fr"]
    assert seen == french  # newest first, each once
    assert cursor is None


def test_it_reports_bad_parameters(client, board):
    assert client.get("/api/v1/postings").status_code == 422  # the language is required
    assert client.get("/api/v1/postings?language=xx").status_code == 422
    response = client.get("/api/v1/postings?language=fr&country=ZZ")
    assert response.status_code == 422 and "ZZ" in response.json()["detail"]
    assert client.get("/api/v1/postings?language=fr&cursor=%%%").status_code == 400
    assert client.get("/api/v1/postings?language=fr&limit=1000").status_code == 422


def test_it_shows_only_live_postings(client, board):
    live = board[0]
    expired = factories.expired_posting(language="fr")
    draft = factories.draft_posting(language="fr")
    body = client.get(f"/api/v1/postings/{live.pk}").json()
    assert body["title"] == live.title and body["category"] == "sales"
    assert client.get(f"/api/v1/postings/{expired.pk}").status_code == 410
    assert client.get(f"/api/v1/postings/{draft.pk}").status_code == 404
    scheduled = factories.scheduled_posting(language="fr")
    assert client.get(f"/api/v1/postings/{scheduled.pk}").status_code == 404


def test_it_counts_facets_like_the_list_page(client, board):
    body = client.get("/api/v1/facets?language=fr&category=sales").json()
    assert body["total"] == 25
    assert body["country"] == [
        {"value": "BE", "label": "Belgique", "count": 16},
        {"value": "FR", "label": "France", "count": 9},
    ]


def test_it_answers_304_when_the_client_has_the_page(client, board):
    first = client.get("/api/v1/postings?language=de")
    again = client.get("/api/v1/postings?language=de", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_it_limits_the_rate_per_client(client, settings):
    statuses = [client.get("/api/v1/postings?language=pl").status_code for _ in range(130)]
    assert statuses[0] == 200
    assert 429 in statuses


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_holds_the_limit_under_concurrent_requests(live_server, settings):
    assert settings.API_RATE_LIMIT == "120/m"

    def status(_number: int) -> int:
        try:
            url = f"{live_server.url}/api/v1/postings?language=pl"
            with urllib.request.urlopen(url) as answer:  # noqa: S310 (the test's own server)
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(status, range(160)))
    assert (statuses.count(200), statuses.count(429)) == (120, 40)


def test_it_limits_a_client_that_writes_a_new_forwarded_for_each_time(client):
    statuses = [
        client.get(
            "/api/v1/postings?language=pl", headers={"X-Forwarded-For": f"203.0.113.{n % 250}"}
        ).status_code
        for n in range(130)
    ]
    assert statuses[0] == 200
    assert 429 in statuses


def test_it_limits_each_client_behind_the_trusted_proxy_apart(settings):
    settings.TRUSTED_PROXY = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")  # the middleware reads the setting as it starts

    def statuses(client_address: str, count: int) -> list[int]:
        return [
            proxy.get(
                "/api/v1/postings?language=pl",
                headers={"X-Forwarded-For": f"{client_address}, 127.0.0.1"},
            ).status_code
            for _ in range(count)
        ]

    assert 429 in statuses("198.51.100.1", 130)
    assert statuses("198.51.100.2", 3) == [200] * 3


def test_it_documents_itself_in_openapi_with_local_assets(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/postings", "/api/v1/postings/{posting_id}", "/api/v1/facets"} <= set(
        spec["paths"]
    )
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs
