import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from postings import caching
from postings.caching import Quiet, Scope, cached_page, data_version
from postings.models import Category, Posting
from tests import factories
from tests.conftest import select_options

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
    # Room for the first page on a busy machine: it must be rendered before the expiry.
    expires_at = timezone.now() + timedelta(seconds=3)
    factories.live_posting(language="fr", title="Bientôt fini", expires_at=expires_at)
    assert escape("Bientôt fini") in client.get("/fr/").content.decode()  # now cached
    # The page is asked for once the expiry has passed, however long the wait takes.
    while (left := (expires_at - timezone.now()).total_seconds()) >= 0:
        time.sleep(left + 0.01)
    assert escape("Bientôt fini") not in client.get("/fr/").content.decode()


def test_it_ends_the_entry_at_the_expiry_however_long_the_page_took(rf):
    # A slow rendering must not carry the entry past the moment the page changes by the clock.
    expires_at = timezone.now() + timedelta(seconds=2.5)
    factories.live_posting(language="fr", expires_at=expires_at)
    renderings = []

    @cached_page
    def slow_page(request):
        renderings.append(timezone.now())
        time.sleep(2)
        return HttpResponse("page")

    def ask():
        request = rf.get("/fr/slow/")
        request.LANGUAGE_CODE = "fr"
        return slow_page(request)

    ask()
    while (left := (expires_at - timezone.now()).total_seconds()) >= 0:
        time.sleep(left + 0.01)
    ask()
    assert len(renderings) == 2


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="posting-card">.*?</article>', html, re.S)


def _counted_facets(queries: CaptureQueriesContext) -> bool:
    return any("postings_facetcount" in query["sql"] for query in queries.captured_queries)


def test_it_counts_a_lists_facets_once_for_all_its_pages_until_a_publish(
    client, settings, django_assert_num_queries
):
    settings.POSTINGS_PER_PAGE = 2
    for n in range(5):
        factories.live_posting(language="fr", country="FR", title=f"Soudeur {n}")
    factories.live_posting(language="de", country="DE", title="Schweißer")
    client.get("/fr/jobs/?page=1")
    client.get("/de/jobs/")
    # A page the page cache has not stored: the data version, the page's ids, and its
    # postings for the cards not made yet.
    with django_assert_num_queries(3):
        html = client.get("/fr/jobs/?page=2").content.decode()
    assert select_options(html, "country") == [("FR", "France (5)")]
    assert "Soudeur 2" in html
    # The same page at another address: its cards are kept, its postings not read.
    with django_assert_num_queries(2) as queries:
        again = client.get("/fr/jobs/?page=2&utm_source=mail").content.decode()
    assert not any('"postings_posting"' in query["sql"] for query in queries.captured_queries)
    assert len(_cards(html)) == 2 and _cards(again) == _cards(html)
    factories.live_posting(language="fr", country="BE", title="Menuisier")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/jobs/?page=3").content.decode()
    assert _counted_facets(queries)
    assert select_options(html, "country") == [("BE", "Belgique (1)"), ("FR", "France (5)")]
    # The other language's counts stay stored.
    with CaptureQueriesContext(connection) as queries:
        client.get("/de/jobs/?page=1")
    assert not _counted_facets(queries)


def test_it_reads_a_searchs_matches_once_for_all_its_pages_and_orders(
    client, settings, django_assert_num_queries
):
    settings.POSTINGS_PER_PAGE = 2
    for n in range(5):
        factories.live_posting(
            language="fr",
            title=f"Soudeur {n}",
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    client.get("/fr/jobs/?q=soudeur")
    # The data version, and the page's postings with their highlighted extracts.
    with django_assert_num_queries(2):
        html = client.get("/fr/jobs/?q=soudeur&sort=date&page=2").content.decode()
    assert html.index("Soudeur 2") < html.index("Soudeur 3")
    assert "Soudeur 1" not in html and "Soudeur 4" not in html
    # The same page at another address: its cards are kept with their highlights, and neither
    # the postings nor their extracts are read again; the data version alone.
    with django_assert_num_queries(1):
        again = client.get("/fr/jobs/?q=soudeur&sort=date&page=2&utm_source=mail")
    assert len(_cards(html)) == 2 and _cards(again.content.decode()) == _cards(html)
    assert "<mark>Soudeur</mark> 2" in _cards(html)[0]


def test_it_reads_only_the_postings_of_the_cards_not_kept(client, settings):
    settings.POSTINGS_PER_PAGE = 2
    now = timezone.now()
    first = factories.live_posting(
        language="fr", title="Soudeur", published_at=now - timedelta(days=1)
    )
    factories.live_posting(language="fr", title="Soudeur TIG", published_at=now - timedelta(days=3))
    by_text = factories.live_posting(
        language="fr",
        title="Menuisier",
        description="<p>Vous aiderez aussi le soudeur.</p>",
        published_at=now - timedelta(days=2),
    )
    client.get("/fr/jobs/?q=soudeur")  # by relevance: the two titles, newest first
    # By date, the first page shows the newest title again, and the text's match.
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/jobs/?q=soudeur&sort=date").content.decode()
    read = {
        int(pk)
        for query in queries.captured_queries
        if 'FROM "postings_posting"' in query["sql"]
        for ids in re.findall(r'"id" IN \(([^)]*)\)', query["sql"])
        for pk in ids.split(",")
    }
    assert read == {by_text.pk}, (read, first.pk)
    cards = _cards(html)
    assert len(cards) == 2
    assert "<mark>Soudeur</mark>" in cards[0] and "<mark>soudeur</mark>" in cards[1]


def test_it_highlights_in_a_stored_card_the_words_of_each_search(client):
    factories.live_posting(language="de", title="Java Entwickler", description="<p>Im Team.</p>")
    first = client.get("/de/jobs/?q=Java").content.decode()
    second = client.get("/de/jobs/?q=Entwickler").content.decode()

    assert "<mark>Java</mark> Entwickler" in first
    assert "Java <mark>Entwickler</mark>" in second


def test_it_converts_a_stored_cards_salary_into_each_seekers_currency(client):
    factories.live_posting(
        language="fr",
        title="Soudeur",
        salary_min=80000,
        salary_max=95000,
        salary_currency="CHF",
        salary_period="year",
    )
    in_euros = client.get("/fr/jobs/").content.decode()
    in_zloty = client.get("/fr/jobs/?salary_min=1&salary_currency=PLN").content.decode()

    assert "€" in in_euros.split('class="converted"')[1].split("</span>")[0]
    assert "PLN" in in_zloty.split('class="converted"')[1].split("</span>")[0]


def test_it_shows_a_company_renamed_since_its_card_was_stored(client):
    posting = factories.live_posting(language="fr", title="Soudeur")
    client.get("/fr/jobs/")  # its card is stored with the page
    posting.company.name = "Atelier Renommé"
    posting.company.save()
    assert escape("Atelier Renommé") in client.get("/fr/jobs/?page=1").content.decode()


def test_it_drops_an_expired_posting_from_the_counts_of_pages_not_stored_yet(client):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    expires_at = timezone.now() + timedelta(seconds=3)
    factories.live_posting(language="fr", country="BE", title="Bientôt fini", expires_at=expires_at)
    html = client.get("/fr/jobs/").content.decode()
    assert select_options(html, "country") == [("BE", "Belgique (1)"), ("FR", "France (1)")]
    while (left := (expires_at - timezone.now()).total_seconds()) >= 0:
        time.sleep(left + 0.01)
    html = client.get("/fr/jobs/?page=1").content.decode()
    assert select_options(html, "country") == [("FR", "France (1)")]


def _wait_until(moment) -> None:
    """Past `moment`, however long the wait takes."""
    while (left := (moment - timezone.now()).total_seconds()) >= 0:
        time.sleep(left + 0.01)


def _ranked(queries: CaptureQueriesContext) -> bool:
    return any("ts_rank" in query["sql"] for query in queries.captured_queries)


def test_it_keeps_a_lists_counts_through_an_expiry_by_the_clock_less_the_posting(client):
    # At a million postings one expires every few seconds: the counts are brought to the
    # moment by the few postings the clock changed, not counted again.
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    expires_at = timezone.now() + timedelta(seconds=3)
    factories.live_posting(language="fr", country="BE", title="Bientôt fini", expires_at=expires_at)
    client.get("/fr/jobs/")
    _wait_until(expires_at)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/jobs/?page=1").content.decode()
    assert select_options(html, "country") == [("FR", "France (1)")]
    assert escape("Bientôt fini") not in html
    assert not _counted_facets(queries)


def test_it_keeps_a_searchs_matches_through_an_expiry_by_the_clock_less_the_posting(
    client, settings
):
    settings.POSTINGS_PER_PAGE = 1
    expires_at = timezone.now() + timedelta(seconds=3)
    for n in range(3):
        factories.live_posting(
            language="fr",
            country="BE" if n == 0 else "FR",
            title=f"Soudeur {n}",
            published_at=timezone.now() - timedelta(days=n + 1),
            expires_at=expires_at if n == 0 else None,
        )
    client.get("/fr/jobs/?q=soudeur&sort=date")
    _wait_until(expires_at)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/jobs/?q=soudeur&sort=date&page=1").content.decode()
    assert not _ranked(queries)
    assert select_options(html, "country") == [("FR", "France (2)")]
    assert "Soudeur 1" in html and "Soudeur 0" not in html
    html = client.get("/fr/jobs/?q=soudeur&sort=date&page=2").content.decode()
    assert "Soudeur 2" in html


def test_it_ranks_a_searchs_matches_once_for_every_combination_of_facets(client):
    # "developer" in Germany, then full-time, then remote: the long tail of a common word's
    # searches counts and orders the same 30,000 matches again and again.
    for n, (country, kind) in enumerate([("FR", "full_time"), ("BE", "part_time")] * 2):
        factories.live_posting(
            language="fr", country=country, employment_type=kind, title=f"Soudeur {n}"
        )
    client.get("/fr/jobs/?q=soudeur")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/jobs/?q=soudeur&country=BE&type=part_time").content.decode()
    assert not _ranked(queries)
    assert select_options(html, "country") == [("BE", "Belgique (2)")]
    assert "Soudeur 1" in html and "Soudeur 3" in html and "Soudeur 0" not in html


def test_it_counts_and_lists_a_posting_that_goes_live_by_the_clock(client):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    published_at = timezone.now() + timedelta(seconds=3)
    factories.live_posting(
        language="fr", country="BE", title="Menuisier", published_at=published_at
    )
    assert "Menuisier" not in client.get("/fr/jobs/").content.decode()
    assert "Menuisier" not in client.get("/fr/jobs/?q=menuisier").content.decode()
    _wait_until(published_at)
    for path in ("/fr/jobs/?page=1", "/fr/jobs/?q=menuisier&page=1"):
        html = client.get(path).content.decode()
        assert "Menuisier" in html
        assert ("BE", "Belgique (1)") in select_options(html, "country")


def _selected(html: str, name: str) -> list[str]:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}> on the page"
    return re.findall(r'<option value="([^"]*)"[^>]*selected', match.group(1))


def test_it_renders_the_filter_form_once_per_search_and_keeps_each_searchs_own_values(
    client, django_assert_num_queries
):
    # The facets are the same whatever the order and the salary asked (none states one here):
    # the stored form must still show each search's own values.
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    by_date = client.get("/fr/jobs/?q=soudeur&sort=date&salary_min=100").content.decode()
    by_relevance = client.get("/fr/jobs/?q=soudeur&salary_min=200&salary_period=month")
    by_relevance = by_relevance.content.decode()
    assert _selected(by_date, "sort") == ["date"]
    assert "date" not in _selected(by_relevance, "sort")
    assert 'name="salary_min" min="0" step="1" inputmode="numeric" value="100"' in by_date
    assert 'name="salary_min" min="0" step="1" inputmode="numeric" value="200"' in by_relevance
    assert _selected(by_relevance, "salary_period") == ["month"]
    # Another visit of the same search, past the page cache: the same page.
    again = client.get("/fr/jobs/?q=soudeur&sort=date&salary_min=100&visit=2").content.decode()
    visit = ("&amp;visit=2", '<input type="hidden" name="visit" value="2">')
    assert again.replace(visit[0], "").replace(visit[1], "") == by_date


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


def test_it_keeps_the_other_languages_cached_through_an_import(
    client, tmp_path, django_assert_num_queries
):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    factories.live_posting(language="de", country="DE", title="Schweißer")
    french = client.get("/fr/jobs/").content
    client.get("/de/jobs/")
    feed = tmp_path / "feed.json"
    row = {"language": "de", "company": "Acme", "country": "AT", "description": "Text"}
    feed.write_text(json.dumps([{**row, "external_id": "1", "title": "Tischler"}]))
    call_command("import_postings", str(feed))
    with django_assert_num_queries(1):  # the French data version: a hit
        assert client.get("/fr/jobs/").content == french
    assert "Tischler" in client.get("/de/jobs/").content.decode()


def test_it_refreshes_the_languages_a_write_touches_only(client, django_assert_num_queries):
    french = factories.live_posting(language="fr", country="FR", title="Soudeur")
    german = factories.live_posting(language="de", country="DE", title="Schweißer")
    factories.live_posting(
        language="es", country="ES", title="Soldador", category=factories.category("sales")
    )
    for language in ("fr", "de", "es"):
        client.get(f"/{language}/jobs/")
    # A company's rename: the languages of its postings.
    german.company.name = "Neue Werkstatt"
    german.company.save()
    assert "Neue Werkstatt" in client.get("/de/jobs/").content.decode()
    with django_assert_num_queries(1):
        client.get("/fr/jobs/")
    # One statement over two languages.
    Posting.objects.filter(pk__in=[french.pk, german.pk]).update(status=Posting.Status.CLOSED)
    assert "Soudeur" not in client.get("/fr/jobs/").content.decode()
    assert escape("Schweißer") not in client.get("/de/jobs/").content.decode()
    with django_assert_num_queries(1):
        assert "Soldador" in client.get("/es/jobs/").content.decode()
    # A category's name: every language.
    Category.objects.filter(slug="sales").update(name_es="Ventas y comercio")
    assert "Ventas y comercio" in client.get("/es/jobs/").content.decode()


def test_it_refreshes_every_language_when_the_postings_are_truncated(client):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    factories.live_posting(language="es", country="ES", title="Soldador")
    assert "Soudeur" in client.get("/fr/jobs/").content.decode()
    assert "Soldador" in client.get("/es/jobs/").content.decode()
    with connection.cursor() as cursor:
        # The test's inserts leave deferred foreign-key checks, which TRUNCATE refuses to skip.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE postings_posting CASCADE")
    assert "Soudeur" not in client.get("/fr/jobs/").content.decode()
    assert "Soldador" not in client.get("/es/jobs/").content.decode()


def test_it_computes_a_part_once_while_other_requests_wait_for_it():
    # Eight connections asking for the same new search at once: one ranks its matches, the
    # others wait for what it stores instead of ranking them too.
    scope = Scope("fr", 1, Quiet(timezone.now(), None))
    computed = []

    def compute(moment):
        computed.append(moment)
        time.sleep(0.5)
        return "found"

    def ask():
        return scope.remember_live("search", ("soudeur",), compute, lambda value, *_: value)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: ask(), range(4)))
    assert answers == ["found"] * 4
    assert len(computed) == 1


def test_it_serves_pages_beside_what_the_previous_release_left_in_the_cache(client):
    # During a deploy the old and the new processes share the cache: what one stores in its
    # own shape must not break the other's pages.
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    version = data_version("fr")
    cache.set(f"next-change:fr:{version}", {"moment": timezone.now() + timedelta(days=1)})
    response = client.get("/fr/jobs/")
    assert response.status_code == 200
    assert "Soudeur" in response.content.decode()


def spy_on_the_cache(monkeypatch) -> list[str]:
    """The names of the cache's methods called from now on, in order."""
    asked = []
    backend = type(caches["default"])

    def spied(name: str):
        method = getattr(backend, name)

        def spy(self, *args, **kwargs):
            asked.append(name)
            return method(self, *args, **kwargs)

        return spy

    for name in ("get", "get_many", "set", "set_many", "add", "delete"):
        monkeypatch.setattr(backend, name, spied(name))
    return asked


def test_it_asks_the_cache_only_for_what_a_new_page_of_a_known_search_needs(client, monkeypatch):
    # A page that the page cache has not stored, of a search shown before: its parts (the
    # categories, the rates, the search's counts, the filter form, the cards, the next change
    # by the clock) are the process's; the cache is asked for the page, and stores it.
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    assert client.get("/fr/jobs/").status_code == 200
    asked = spy_on_the_cache(monkeypatch)
    assert client.get("/fr/jobs/?visit=2").status_code == 200
    assert asked == ["get", "set"]


def test_it_reads_a_known_texts_matches_from_the_process_for_a_new_combination(client, monkeypatch):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    assert client.get("/fr/jobs/?q=soudeur").status_code == 200
    asked = spy_on_the_cache(monkeypatch)
    html = client.get("/fr/jobs/?q=soudeur&type=full_time").content.decode()
    assert "Soudeur" in html
    # The page, the search's counts for this combination (none: made while other requests
    # wait, then stored) and its filter form (none: made, not waited for, then stored), not
    # the text's matches (0.7 MB for a common word at a million postings); the page stored.
    assert asked == ["get", "get", "add", "set", "delete", "get", "set", "set"]


def test_it_keeps_in_the_process_at_most_its_size_of_parts_until_their_timeout():
    # Each counted as RECENT_OBJECT_SIZE at least.
    kept = caching.Recent(int(caching.RECENT_OBJECT_SIZE * 2.5))
    kept.set("a", {"value": "aaaa"}, 60, "aaaa")
    kept.set("b", {"value": "bbbb"}, 60, "bbbb")
    assert kept.get("a") == {"value": "aaaa"}  # now the most recently used
    kept.set("c", {"value": "cccc"}, 60, "cccc")  # one too many: the least recently used goes
    assert kept.get("b") is None
    assert kept.get("a") == {"value": "aaaa"}
    assert kept.get("c") == {"value": "cccc"}
    kept.set("d", {"value": "d"}, 0, "d")  # its timeout is over at once
    assert kept.get("d") is None
    large = "x" * caching.RECENT_OBJECT_SIZE * 2  # counted by its size
    kept.set("e", {"value": large}, 60, large)
    assert kept.get("e") == {"value": large}
    assert kept.get("c") is None
