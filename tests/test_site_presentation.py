"""What the list and posting pages show beside the results, read from the HTML a client gets."""

import re
from datetime import date

import pytest
from django.utils import timezone

from postings.presentation import avatar_colour, initials, page_window
from tests import factories
from tests.test_salaries import set_rates

pytestmark = pytest.mark.django_db


def test_it_numbers_the_pages_around_the_current_one():
    assert page_window(1, 1) == [1]
    assert page_window(1, 3) == [1, 2, 3]
    assert page_window(5, 20) == [1, None, 4, 5, 6, None, 20]
    assert page_window(20, 20) == [1, None, 19, 20]


def test_it_links_numbered_pages_that_keep_the_filters(client, settings):
    settings.POSTINGS_PER_PAGE = 2
    for _ in range(9):
        factories.live_posting(language="fr", country="BE")
    html = client.get("/fr/jobs/?country=BE&page=3").content.decode()
    pages = re.findall(r'<a (?:aria-current="page" )?href="\?country=BE&amp;page=(\d)">', html)
    assert pages == ["1", "2", "3", "4", "5"]
    assert 'aria-current="page" href="?country=BE&amp;page=3"' in html


def test_it_shows_each_active_filter_as_a_chip_that_removes_it(client):
    factories.live_posting(language="fr", country="BE", remote="remote")
    html = client.get("/fr/jobs/?country=BE&remote=remote&q=boulanger").content.decode()
    chips = dict(
        (label.strip(), href)
        for href, label in re.findall(
            r'<a class="chip" href="([^"]*)"><span class="visually-hidden">[^<]*</span>([^<]*)',
            html,
        )
    )
    assert chips["Belgique"] == "?remote=remote&amp;q=boulanger"
    assert chips["Télétravail complet"] == "?country=BE&amp;q=boulanger"
    assert chips["«\xa0boulanger\xa0»"] == "?country=BE&amp;remote=remote"
    assert "Filtres (3)" in html


def test_it_tells_what_to_loosen_when_nothing_matches(client):
    factories.live_posting(language="fr", country="BE")
    html = client.get("/fr/jobs/?country=BE&q=astronaute").content.decode()
    assert 'class="posting-card"' not in html
    assert "Essayez de retirer un filtre" in html


def test_it_goes_back_to_the_search_it_came_from_and_nowhere_else(client):
    posting = factories.live_posting(language="fr", country="FR")
    url = posting.get_absolute_url()
    came_from = client.get(url, HTTP_REFERER="http://testserver/fr/jobs/?country=FR&page=2")
    assert 'href="/fr/jobs/?country=FR&amp;page=2">' in came_from.content.decode()
    elsewhere = client.get(url, HTTP_REFERER="https://evil.example/phish?next=/fr/jobs/")
    assert '<a href="/fr/jobs/">' in elsewhere.content.decode()


def test_it_gives_a_company_without_logo_its_initials_on_a_stable_colour():
    assert initials("Fromagerie Dubois") == "FD"
    assert initials("acme") == "A"
    assert initials("Rheinwerk AG & Co. KG") == "RA"
    assert avatar_colour("Fromagerie Dubois") == avatar_colour("Fromagerie Dubois")
    assert len({avatar_colour(f"Company {n}") for n in range(50)}) == 8


def test_it_shows_similar_jobs_of_the_same_language_category_and_country_first(client):
    sales, finance = factories.category("sales"), factories.category("finance")
    posting = factories.live_posting(language="fr", country="FR", category=sales)
    factories.live_posting(language="fr", country="BE", category=finance, title="Loin")
    factories.live_posting(language="fr", country="BE", category=sales, title="Proche")
    factories.live_posting(language="fr", country="FR", category=sales, title="Très proche")
    factories.live_posting(language="de", country="FR", category=sales, title="Deutsch")
    factories.expired_posting(language="fr", country="FR", category=sales, title="Expirée")
    html = client.get(posting.get_absolute_url()).content.decode()
    similar = html[html.index('id="similar-heading"') :]
    assert re.findall(r"<h3><a [^>]*>([^<]+)</a>", similar) == ["Très proche", "Proche", "Loin"]


def test_it_writes_the_salary_chip_as_the_visitor_reads_numbers(client):
    html = client.get("/de/jobs/?salary_min=45000").content.decode()
    assert "Gehalt ab 45.000" in html


def test_it_shows_chips_for_the_category_the_date_and_a_stated_salary(client):
    factories.live_posting(language="fr", country="FR", category=factories.category("sales"))
    html = client.get("/fr/jobs/?category=sales&posted_within=7&with_salary=1").content.decode()
    labels = re.findall(r'<a class="chip" href="[^"]*"><span[^>]*>[^<]*</span>([^<]*)', html)
    assert [label.strip() for label in labels][:3] == [
        "Vente",
        "Avec salaire",
        "les 7 derniers jours",
    ]


def test_it_removes_a_country_typed_in_lower_case_with_its_chip(client):
    factories.live_posting(language="fr", country="BE")
    html = client.get("/fr/jobs/?country=be&remote=remote").content.decode()
    assert '<a class="chip" href="?remote=remote">' in html


def test_it_offers_to_share_a_posting_by_links_that_need_no_script(client, settings):
    settings.SITE_URL = "https://jobs.example"
    posting = factories.live_posting(
        language="de", country="DE", title='Koch & "Chef" <b>Küche</b>?x=1'
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    share = html.split('<div class="share"')[1].split("</div>")[0]
    url = f"https%3A%2F%2Fjobs.example%2Fde%2Fjobs%2F{posting.pk}%2F{posting.slug}%2F"
    title = "Koch%20%26%20%22Chef%22%20%3Cb%3EK%C3%BCche%3C%2Fb%3E%3Fx%3D1"
    assert f'href="mailto:?subject={title}&amp;body={url}">E-Mail</a>' in share
    assert f'href="https://www.linkedin.com/sharing/share-offsite/?url={url}"' in share
    assert f'href="https://x.com/intent/post?url={url}&amp;text={title}"' in share
    assert "Diese Stelle teilen" in share and "Link kopieren" in share
    # The title is data in an attribute, never markup.
    assert "<b>" not in share and 'data-title="Koch &amp; &quot;Chef&quot; &lt;b&gt;' in share


def test_it_shows_a_posting_as_the_same_card_on_the_list_its_company_and_similar_jobs(client):
    set_rates(date(2026, 12, 4), CHF="0.9309")
    company = factories.company("Boulangerie Dupain")
    company.logo_url = "https://cdn.example/logo.png?w=48&h=48"
    company.save()
    renewed = factories.live_posting(
        language="fr",
        country="CH",
        city="Genève",
        company=company,
        title="Boulanger <de nuit>",
        salary_min=60000,
        salary_max=72000,
        salary_currency="CHF",
        salary_period="year",
    )
    renewed.refreshed_at = renewed.published_at
    renewed.save()
    other = factories.live_posting(language="fr", country="CH", category=renewed.category)

    def card_of(html: str) -> str:
        found = re.findall(r'<article class="posting-card">.*?</article>', html, re.DOTALL)
        return next(card for card in found if f'data-save="{renewed.pk}"' in card)

    listed = card_of(client.get("/fr/jobs/").content.decode())
    assert card_of(client.get(company.get_absolute_url()).content.decode()) == listed
    assert card_of(client.get(other.get_absolute_url()).content.decode()) == listed
    # What the card template drew, before the card was written in Python (presentation.card).
    url = renewed.get_absolute_url()
    assert f'<h3><a href="{url}">Boulanger &lt;de nuit&gt;</a></h3>' in listed
    assert (
        '<img class="logo" src="https://cdn.example/logo.png?w=48&amp;h=48" alt="" width="48"'
        ' height="48" loading="lazy">'
    ) in listed
    assert (
        '<span class="company">Boulangerie Dupain</span> · <span class="location">Genève,'
        " Suisse</span>"
    ) in listed
    assert '<span class="badge badge-new">Nouveau</span>' in listed
    assert '<span class="badge">Sur site</span>' in listed
    assert '<span class="badge">Temps plein</span>' in listed
    assert "60\u202f000\xa0CHF – 72\u202f000\xa0CHF par an" in listed
    # In the seeker's currency too, at the reference rate, on all three pages.
    assert '<span class="converted">(≈\xa064\u202f500\xa0€ – 77\u202f300\xa0€)</span>' in listed
    day = timezone.localtime(renewed.published_at)
    assert f'<time datetime="{day.replace(microsecond=0).isoformat()}"' in listed
    assert 'class="refreshed"' in listed and "Renouvelée le" in listed
    assert (
        f'data-save="{renewed.pk}" data-title="Boulanger &lt;de nuit&gt;"'
        f' data-company="Boulangerie Dupain" data-url="{url}" data-language="fr" hidden>'
    ) in listed
    assert (
        '<span class="visually-hidden">Sauvegarder cette offre: Boulanger &lt;de nuit&gt;' in listed
    )
