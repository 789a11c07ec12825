import time
from datetime import timedelta

import pytest
from django.test import Client
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
    assert response["Location"] == "/"
