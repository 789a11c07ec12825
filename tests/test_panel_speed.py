"""The panel over a million postings (issue 17): no list counts every row it filters, the
title search goes through the trigram index, and what a worker would load during a
recruiter's first save it loads as it starts. Timings are in bench/panel.py, not here."""

import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postings import language, search
from postings.admin import paging
from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db


def counts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_it_lists_postings_without_counting_every_row(client, monkeypatch):
    # Five postings stand for a list longer than the exact count reaches.
    monkeypatch.setattr(paging, "EXACT_UP_TO", 2)
    company = factories.company("Fromagerie Dubois")
    for n in range(5):
        factories.live_posting(company=company, title=f"Affineur {n}")
    client.force_login(factories.moderator())

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/postings/posting/")

    assert response.status_code == 200
    assert "Affineur 4" in response.content.decode()
    assert counts(queries), "the list says how many postings it holds"
    for sql in counts(queries):
        assert re.search(r"LIMIT 3\b", sql), f"an unbounded count: {sql}"


def test_it_counts_a_short_list_exactly(client):
    company = factories.company("Fromagerie Dubois")
    for n in range(3):
        factories.draft_posting(company=company, title=f"Affineur {n}")
    client.force_login(factories.company_admin(company))

    response = client.get("/admin/postings/posting/")

    assert re.search(r"\b3 postings\b", response.content.decode())


def test_it_estimates_the_count_of_a_long_list_from_the_planner(monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 2)
    for _ in range(5):
        factories.draft_posting()

    paginator = paging.EstimatedCountPaginator(Posting.objects.order_by("-id"), 100)

    # The planner's guess, never fewer than the rows already counted.
    assert paginator.count >= 3


def test_it_keeps_the_moderation_queue_count_bounded(client, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 2)
    for n in range(4):
        factories.pending_posting(title=f"Waiting {n}")
    client.force_login(factories.moderator())

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/postings/postingforreview/")

    assert response.status_code == 200
    assert "Waiting 3" in response.content.decode()
    for sql in counts(queries):
        assert re.search(r"LIMIT 3\b", sql), f"an unbounded count: {sql}"


def test_it_finds_postings_by_title_company_name_or_feed_id(client):
    dubois, other = factories.company("Fromagerie Dubois"), factories.company("Laiterie Martin")
    factories.draft_posting(company=other, title="Affineur de fromages")
    factories.draft_posting(company=dubois, title="Vendeur")
    factories.draft_posting(company=other, title="Chauffeur", source="ats", external_id="R-77")
    factories.draft_posting(company=other, title="Comptable")
    client.force_login(factories.moderator())

    def found(term: str) -> set[str]:
        page = client.get("/admin/postings/posting/", {"q": term}).content.decode()
        return {t for t in ("Affineur", "Vendeur", "Chauffeur", "Comptable") if t in page}

    assert found("FROMAGES") == {"Affineur"}, "the title, whatever the case"
    assert found("dubois") == {"Vendeur"}, "the company's name"
    assert found("R-77") == {"Chauffeur"}, "the feed's id"
    assert found("100%") == set(), "a % is a character, not a wildcard"
    assert found("_") == set(), "so is an underscore"


def test_it_searches_only_the_company_admins_own_postings(client):
    alpha, bravo = factories.company("Alpha Works"), factories.company("Bravo Industries")
    factories.draft_posting(company=alpha, title="Alpha welder")
    factories.draft_posting(company=bravo, title="Bravo welder", external_id="B-1")
    client.force_login(factories.company_admin(alpha))

    for term in ("welder", "Bravo", "B-1"):
        page = client.get("/admin/postings/posting/", {"q": term}).content.decode()
        assert "Bravo welder" not in page, term


def test_it_searches_titles_through_the_trigram_index(client):
    factories.draft_posting(title="Käsereifer in Appenzell")
    client.force_login(factories.moderator())

    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/postings/posting/", {"q": "reifer"})
    [listed] = [
        q["sql"]
        for q in queries.captured_queries
        if "ILIKE" in q["sql"] and "LIMIT 100" in q["sql"]
    ]

    assert "UPPER(" not in listed.split("WHERE", 1)[1], "no index serves UPPER(title)"
    with connection.cursor() as cursor:
        # Too few rows here for the planner to prefer an index of its own accord.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {listed}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "posting_title_trgm_idx" in plan, plan


def test_it_shows_each_postings_country_by_name(client):
    factories.draft_posting(title="Affineur", country="BE")
    client.force_login(factories.moderator())

    response = client.get("/admin/postings/posting/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Belgique" in response.content.decode()


def test_it_loads_the_language_detector_as_a_web_worker_starts():
    import jobboard.wsgi

    language._detector.cache_clear()

    importlib.reload(jobboard.wsgi)

    assert language._detector.cache_info().currsize == 1, "loaded before any text"
    text = "Wir suchen eine erfahrene Entwicklerin für unser Team in Berlin, die gerne plant."
    assert language.detect(text) == "de"


def test_it_loads_the_polish_stemmer_as_a_web_worker_starts():
    """A Polish seeker's first search, or a recruiter's first Polish posting, in a fresh worker
    would otherwise wait about two seconds for Stempel's table."""
    import jobboard.wsgi

    search._stempel.cache_clear()

    importlib.reload(jobboard.wsgi)

    assert search._stempel.cache_info().currsize == 1, "loaded before any Polish text"


def test_it_sorts_every_companys_postings_only_by_the_indexed_dates(client):
    company = factories.company("Fromagerie Dubois")
    factories.draft_posting(company=company, title="Affineur")
    client.force_login(factories.moderator())
    moderators = client.get("/admin/postings/posting/").content.decode()
    client.force_login(factories.company_admin(company))
    own = client.get("/admin/postings/posting/").content.decode()

    assert 'class="sortable column-published_at' in moderators
    assert 'class="sortable column-expires_at' in moderators
    assert 'class="column-title"' in moderators, "a million titles are not sorted"
    assert 'class="sortable column-title' in own, "a company's own list sorts by any column"
