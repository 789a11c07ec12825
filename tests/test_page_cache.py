import time
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_serves_a_repeated_list_from_the_cache_in_one_query(client, django_assert_num_queries):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    first = client.get("/fr/jobs/?country=FR")
    with django_assert_num_queries(1):  # the data version
        second = client.get("/fr/jobs/?country=FR")
    assert second.content == first.content
    assert "Soudeur" in second.content.decode()


def test_it_shows_every_write_at_once(client):
    posting = factories.live_posting(language="fr", country="FR", title="Soudeur")
    client.get("/fr/jobs/")
    factories.live_posting(language="fr", country="BE", title="Menuisier")
    html = client.get("/fr/jobs/").content.decode()
    assert "Menuisier" in html
    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.CLOSED)
    assert "Soudeur" not in client.get("/fr/jobs/").content.decode()
    posting.company.name = "Atelier Renommé"
    posting.company.save()
    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.PUBLISHED)
    assert escape("Atelier Renommé") in client.get("/fr/jobs/").content.decode()


def test_it_drops_a_posting_when_it_expires_by_the_clock(client):
    factories.live_posting(
        language="fr", title="Bientôt fini", expires_at=timezone.now() + timedelta(seconds=1.5)
    )
    assert escape("Bientôt fini") in client.get("/fr/").content.decode()
    time.sleep(1.6)
    assert escape("Bientôt fini") not in client.get("/fr/").content.decode()


def test_it_switches_language_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/pl/jobs/"})
    assert response.status_code == 302
    assert response["Location"] == "/pl/jobs/"
    # Only within this site.
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "https://evil.example/"})
    assert response["Location"] == "/pl/"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/fr/jobs/feed/", "application/rss+xml; charset=utf-8"),
        ("/fr/jobs/feed/atom/", "application/atom+xml; charset=utf-8"),
        ("/fr/jobs/", "text/html; charset=utf-8"),
    ],
)
def test_it_serves_a_cached_page_with_the_headers_it_was_made_with(
    client, django_assert_num_queries, path, content_type
):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    first = client.get(path)
    with django_assert_num_queries(1):  # the data version
        second = client.get(path)
    assert first["Content-Type"] == second["Content-Type"] == content_type
    assert second["Content-Language"] == "fr"
    for header in ("Last-Modified", "ETag"):
        assert second.get(header) == first.get(header)
    assert second.content == first.content


def test_it_never_serves_one_hosts_page_to_another(settings, django_assert_num_queries):
    settings.ALLOWED_HOSTS = ["jobs.example", "www.jobs.example"]
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    Client(HTTP_HOST="www.jobs.example").get("/fr/jobs/")
    with django_assert_num_queries(1):
        Client(HTTP_HOST="www.jobs.example").get("/fr/jobs/")
    # Another host gets a page of its own, rendered for it (more than the version's query).
    with CaptureQueriesContext(connection) as queries:
        Client(HTTP_HOST="jobs.example").get("/fr/jobs/")
    assert len(queries) > 1


@pytest.mark.parametrize("feed", ["feed/", "feed/atom/"])
def test_it_links_feeds_to_the_site_url_whatever_the_host(settings, feed):
    settings.ALLOWED_HOSTS = ["jobs.example", "evil.example"]
    settings.SITE_URL = "https://jobs.example"
    posting = factories.live_posting(language="fr", country="FR", title="Soudeur")
    body = Client(HTTP_HOST="evil.example").get(f"/fr/jobs/{feed}?country=FR").content
    parsed = feedparser.parse(body)
    assert parsed.feed.link == "https://jobs.example/fr/jobs/?country=FR"
    assert [entry.link for entry in parsed.entries] == [
        "https://jobs.example" + posting.get_absolute_url()
    ]
    assert b"evil.example" not in body
    # The cached copy too, to either host.
    assert Client(HTTP_HOST="jobs.example").get(f"/fr/jobs/{feed}?country=FR").content == body
