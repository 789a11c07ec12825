"""The language switcher keeps the visitor's context: the same job, or the same search."""

import pytest
from django.test import Client
from django.utils.html import escape

from tests import factories
from tests.conftest import select_options

pytestmark = pytest.mark.django_db


def switch(client: Client, language: str, next_url: str) -> str:
    """Where the switcher's button for `language` on the page `next_url` leads."""
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == language
    return response["Location"]


def test_it_offers_the_current_page_to_the_switcher(client):
    factories.live_posting(language="fr", country="CH", title="Chef de projet")
    html = client.get("/fr/jobs/?q=chef&country=CH&page=2").content.decode()
    # Every button carries the page it is on; the target is decided on click, page 1.
    assert html.count('name="next" value="/fr/jobs/?q=chef&amp;country=CH"') == 7


def test_it_leads_from_a_posting_to_its_sibling(client):
    french = factories.live_posting(language="fr", country="CH", title="Ingénieur")
    german = factories.live_posting(language="de", country="CH", title="Ingenieur")
    german.join_translation_group(french)
    german.save()

    assert switch(client, "de", french.get_absolute_url()) == german.get_absolute_url()
    assert switch(client, "fr", german.get_absolute_url()) == french.get_absolute_url()


def test_it_says_a_posting_without_a_sibling_is_only_published_in_its_language(client):
    lonely = factories.live_posting(language="fr", country="CH", title="Fromager à Gruyères")

    landing = switch(client, "de", lonely.get_absolute_url())
    assert landing == f"/de/jobs/?from={lonely.pk}"
    html = client.get(landing).content.decode()
    assert "Diese Stelle ist nur auf Französisch veröffentlicht" in html
    assert f'<a href="{lonely.get_absolute_url()}" hreflang="fr" lang="fr">' in html
    assert escape(lonely.title) in html

    # Polish names the language in its own words; the way back leads to the posting.
    html = client.get(switch(client, "pl", lonely.get_absolute_url())).content.decode()
    assert "(francuski)" in html
    assert switch(client, "fr", landing) == lonely.get_absolute_url()


@pytest.mark.parametrize("make", [factories.draft_posting, factories.expired_posting])
def test_it_names_no_posting_that_is_not_public(client, make):
    hidden = make(language="fr", country="CH", title="Confidentiel")
    assert switch(client, "de", hidden.get_absolute_url()) == "/de/jobs/"
    html = client.get(f"/de/jobs/?from={hidden.pk}").content.decode()
    assert "Confidentiel" not in html and "nur auf" not in html


def test_it_gives_no_notice_for_a_posting_in_the_list_language(client):
    german = factories.live_posting(language="de", country="CH", title="Käser")
    html = client.get(f"/de/jobs/?from={german.pk}").content.decode()
    assert "nur auf" not in html


def test_it_drops_a_country_without_matching_jobs_in_the_target_language(client):
    factories.live_posting(language="fr", country="CH", title="Développeur à Genève")
    factories.live_posting(language="de", country="CH", title="Käser in Bern")

    landing = switch(client, "de", "/fr/jobs/?q=d%C3%A9veloppeur&country=CH&page=3")
    assert landing == "/de/jobs/?q=d%C3%A9veloppeur&dropped=CH"
    html = client.get(landing).content.decode()
    assert "Schweiz" in html.split('name="country"')[0]  # named in the notice, above the form
    assert "(0)" not in html


def test_it_keeps_the_countries_that_exist_in_the_target_language(client):
    factories.live_posting(language="fr", country="CH", title="Vendeur")
    factories.live_posting(language="fr", country="FR", title="Vendeuse")
    factories.live_posting(language="de", country="CH", title="Verkäufer")

    landing = switch(client, "de", "/fr/jobs/?country=CH&country=FR&remote=")
    assert landing == "/de/jobs/?country=CH&remote=&dropped=FR"
    html = client.get(landing).content.decode()
    assert ("CH", "Schweiz (1)") in select_options(html, "country")
    assert "Frankreich" in html
    # Nothing to drop, nothing to say.
    assert switch(client, "de", "/fr/jobs/?country=CH") == "/de/jobs/?country=CH"


def test_it_names_only_real_countries_in_the_notice(client):
    html = client.get("/de/jobs/?dropped=XX&dropped=%3Cb%3E&dropped=fr").content.decode()
    assert "Frankreich" in html
    assert "<b>" not in html.split("<main")[1]


def test_it_keeps_a_plain_page_under_the_other_prefix(client):
    company = factories.company("Acme")
    assert switch(client, "pl", "/fr/") == "/pl/"
    assert switch(client, "pl", f"/fr/companies/{company.slug}/") == "/pl/companies/acme/"
    assert switch(client, "pl", "/fr/no-such-page/") == "/pl/"


def test_it_switches_only_within_this_site(client):
    assert switch(client, "pl", "https://evil.example/fr/jobs/") == "/pl/"
    assert switch(client, "pl", "//evil.example/fr/jobs/") == "/pl/"


@pytest.mark.parametrize(
    "next_url",
    ["/fr/companies/acme/?a=\r\nSet-Cookie: x=1", "/fr/jobs/?q=\nSet-Cookie: x=1", "\x00/fr/"],
)
def test_it_writes_no_header_from_what_it_was_sent(client, next_url):
    factories.company("Acme")
    landing = switch(client, "de", next_url)
    assert "\n" not in landing and "\r" not in landing and "\x00" not in landing
