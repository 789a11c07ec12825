import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from tests import factories
from tests.conftest import select_options

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    """French, German and English postings across countries, plus postings that must not show."""
    acme = factories.company("Acme")
    it = factories.category("software-engineering")
    sales = factories.category("sales")
    return {
        "fr_fr": factories.live_posting(
            language="fr", country="FR", title="Développeur Python", category=it, company=acme
        ),
        "fr_fr_2": factories.live_posting(
            language="fr", country="FR", title="Commercial terrain", category=sales
        ),
        "fr_be": factories.live_posting(
            language="fr", country="BE", title="Développeuse Java", category=it
        ),
        "fr_ch": factories.live_posting(
            language="fr", country="CH", title="Vendeur", category=sales, remote="remote"
        ),
        "fr_ca": factories.live_posting(language="fr", country="CA", title="Analyste"),
        "de_de": factories.live_posting(
            language="de", country="DE", title="Entwicklerin", category=it, company=acme
        ),
        "de_at": factories.live_posting(language="de", country="AT", title="Verkäufer"),
        "de_ch": factories.live_posting(language="de", country="CH", title="Datenanalyst"),
        "en_de": factories.live_posting(language="en", country="DE", title="Engineer"),
        # None of these may appear anywhere public.
        "fr_expired": factories.expired_posting(language="fr", country="LU", title="Expiré"),
        "fr_closed": factories.closed_posting(language="fr", country="MC", title="Pourvu"),
        "fr_draft": factories.draft_posting(language="fr", country="SN", title="Brouillon"),
        "fr_pending": factories.pending_posting(language="fr", country="MA", title="En attente"),
        "fr_scheduled": factories.scheduled_posting(language="fr", country="TN", title="Bientôt"),
    }


def test_it_lists_only_live_postings_of_the_active_language(client, board):
    html = client.get("/fr/jobs/").content.decode()
    shown = {key for key, posting in board.items() if escape(posting.title) in html}
    assert shown == {"fr_fr", "fr_fr_2", "fr_be", "fr_ch", "fr_ca"}
    assert html.count('class="posting-card"') == 5


def test_it_offers_exactly_the_countries_with_live_postings_in_the_language(client, board):
    fr = select_options(client.get("/fr/jobs/").content.decode(), "country")
    de = select_options(client.get("/de/jobs/").content.decode(), "country")
    en = select_options(client.get("/en/jobs/").content.decode(), "country")
    # Named in the visitor's language, sorted by its collation, with live counts.
    assert fr == [
        ("BE", "Belgique (1)"),
        ("CA", "Canada (1)"),
        ("FR", "France (2)"),
        ("CH", "Suisse (1)"),
    ]
    assert de == [("DE", "Deutschland (1)"), ("AT", "Österreich (1)"), ("CH", "Schweiz (1)")]
    assert en == [("DE", "Germany (1)")]


def test_it_counts_each_facet_with_the_other_filters_and_without_its_own(client, board):
    html = client.get("/fr/jobs/?country=FR&category=sales").content.decode()
    # Country counts keep the category filter and drop the country one.
    assert select_options(html, "country") == [("FR", "France (1)"), ("CH", "Suisse (1)")]
    # Category counts keep the country filter and drop the category one.
    categories = select_options(html, "category")
    assert [value for value, _ in categories] == ["software-engineering", "sales"]
    assert [text.rsplit(" ", 1)[1] for _, text in categories] == ["(1)", "(1)"]
    assert escape("Commercial terrain") in html
    assert escape("Développeur Python") not in html


def test_it_filters_by_several_countries_and_by_remote(client, board):
    html = client.get("/fr/jobs/?country=BE&country=CH").content.decode()
    assert escape("Développeuse Java") in html and "Vendeur" in html
    assert escape("Développeur Python") not in html
    html = client.get("/fr/jobs/?remote=remote").content.decode()
    assert "Vendeur" in html and "Analyste" not in html


def test_it_takes_the_form_defaults_as_no_filter(client, board):
    html = client.get("/fr/jobs/?q=&country=&category=&type=&remote=").content.decode()
    assert 'role="alert"' not in html
    assert html.count('class="posting-card"') == 5


def test_it_keeps_the_known_countries_beside_an_unknown_one(client, board):
    html = client.get("/fr/jobs/?country=BE&country=zz").content.decode()
    assert 'role="alert"' in html and "ZZ" in html
    assert escape("Développeuse Java") in html and "Vendeur" not in html


def test_it_drops_a_requested_country_without_postings_in_the_language_with_a_notice(client, board):
    response = client.get("/de/jobs/?country=BE&page=2")
    assert response.status_code == 302 and response["Location"] == "?dropped=BE"
    html = client.get("/de/jobs/" + response["Location"]).content.decode()
    assert "Belgien" in html.split('name="country"')[0]  # named in the notice, above the form
    assert "BE" not in [value for value, _ in select_options(html, "country")]
    assert html.count('class="posting-card"') == 3  # every German job: the country is ignored


def test_it_drops_a_country_whose_postings_in_the_language_are_not_live(client, board):
    # Published but past their expiry (the sweep has not run) or scheduled: none is shown.
    factories.expired_posting(language="de", country="BE", title="Schweißer")
    factories.live_posting(
        language="de", country="LU", title="Maurer", published_at=timezone.now() + timedelta(days=2)
    )
    response = client.get("/de/jobs/?country=BE&country=LU")
    assert response.status_code == 302 and response["Location"] == "?dropped=BE&dropped=LU"


def test_it_keeps_the_other_filters_and_countries_beside_a_dropped_one(client, board):
    response = client.get("/de/jobs/?country=AT&country=be&remote=onsite&country=DE")
    assert response["Location"] == "?country=AT&country=DE&remote=onsite&dropped=BE"


def test_it_keeps_a_selected_country_with_postings_that_match_nothing_else(client, board):
    # Austria has German jobs, none of them matching the text: the visitor can undo the filter.
    html = client.get("/de/jobs/?country=AT&q=Entwicklerin").content.decode()
    assert ("AT", "Österreich (0)") in select_options(html, "country")


def test_it_reports_invalid_filters_and_keeps_the_valid_ones(client, board):
    response = client.get("/fr/jobs/?country=ZZ&category=sales")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "ZZ" in html
    # The valid category filter still applies.
    assert "Vendeur" in html and escape("Développeur Python") not in html


def test_it_searches_with_the_language_stemmer(client, board):
    html = client.get("/fr/jobs/?q=développeurs").content.decode()
    assert escape("Développeur Python") in html
    assert "Vendeur" not in html
    html = client.get("/de/jobs/?q=Entwicklerin").content.decode()
    assert "Entwicklerin" in html and "Datenanalyst" not in html


def test_it_shows_the_home_page_with_countries_categories_and_latest(client, board):
    html = client.get("/de/").content.decode()
    assert 'href="/de/jobs/?country=AT"' in html
    assert 'href="/de/jobs/?country=FR"' not in html
    assert "Softwareentwicklung" in html  # category named in German
    assert "Entwicklerin" in html and escape("Développeur Python") not in html


def test_it_redirects_the_root_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/de/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ja").headers["Location"] == "/en/"


def test_it_shows_a_posting_in_its_own_language(client, board):
    posting = board["fr_fr"]
    response = client.get(posting.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert posting.get_absolute_url().startswith("/fr/jobs/")
    assert html.count("<h1") == 1
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Développeur Python"
    assert data["hiringOrganization"]["name"] == "Acme"
    assert data["jobLocation"]["address"]["addressCountry"] == "FR"


def test_it_redirects_a_posting_under_another_language_to_its_own(client, board):
    posting = board["fr_fr"]
    response = client.get(f"/de/jobs/{posting.pk}/{posting.slug}/")
    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()
    response = client.get(f"/fr/jobs/{posting.pk}/old-title/")
    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()


@pytest.mark.parametrize("key", ["fr_expired", "fr_closed"])
def test_it_answers_410_for_a_posting_that_is_gone(client, board, key):
    response = client.get(board[key].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 410
    assert "noindex" in html
    assert "application/ld+json" not in html
    assert "/fr/jobs/" in html  # a way back to live postings
    # The language switcher leads to the other languages' lists, not back here.
    switched = client.post(
        "/i18n/setlang/", {"language": "de", "next": board[key].get_absolute_url()}
    )
    assert switched["Location"] == "/de/jobs/"


@pytest.mark.parametrize("key", ["fr_draft", "fr_pending", "fr_scheduled"])
@pytest.mark.parametrize("prefix", ["fr", "de"])
def test_it_hides_unpublished_postings(client, board, key, prefix):
    posting = board[key]
    response = client.get(f"/{prefix}/jobs/{posting.pk}/{posting.slug}/")
    assert response.status_code == 404
    assert escape(posting.title) not in response.content.decode()


def test_it_links_translation_siblings_with_hreflang(client, settings):
    french = factories.live_posting(language="fr", country="CH", title="Ingénieur")
    german = factories.live_posting(language="de", country="CH", title="Ingenieur")
    german.join_translation_group(french)
    german.save()
    lonely = factories.live_posting(language="fr", country="CH", title="Seul")

    html = client.get(french.get_absolute_url()).content.decode()
    site = settings.SITE_URL
    assert f'hreflang="de" href="{site}{german.get_absolute_url()}"' in html
    assert f'hreflang="fr" href="{site}{french.get_absolute_url()}"' in html
    # The switcher sends German readers to the sibling, others to their list.
    switch = {"next": french.get_absolute_url()}
    response = client.post("/i18n/setlang/", {**switch, "language": "de"})
    assert response["Location"] == german.get_absolute_url()
    response = client.post("/i18n/setlang/", {**switch, "language": "it"})
    assert response["Location"] == f"/it/jobs/?from={french.pk}"

    html = client.get(lonely.get_absolute_url()).content.decode()
    assert "hreflang=" not in html.split("</head>")[0]


def test_it_keeps_the_filters_when_switching_language(client, board):
    html = client.get("/fr/jobs/?country=CH&page=2").content.decode()
    # The German button leads to the same filters under /de/, back on page 1.
    assert 'name="next" value="/fr/jobs/?country=CH"' in html
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/fr/jobs/?country=CH"})
    assert response.status_code == 302
    assert response["Location"] == "/de/jobs/?country=CH"
    assert response.cookies["django_language"].value == "de"


def test_it_formats_the_salary_for_the_visitor_locale(client):
    posting = factories.live_posting(
        language="fr",
        country="FR",
        salary_min=45000,
        salary_max=60000,
        salary_currency="EUR",
        salary_period="year",
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    assert "45\u202f000\xa0€ – 60\u202f000\xa0€ par an" in html


def test_it_shows_a_company_with_its_postings_in_the_active_language(client, board):
    acme = board["fr_fr"].company
    with translation.override("fr"):
        assert acme.get_absolute_url() == "/fr/companies/acme/"
    html = client.get("/fr/companies/acme/").content.decode()
    assert escape("Développeur Python") in html and "Entwicklerin" not in html
    html = client.get("/de/companies/acme/").content.decode()
    assert "Entwicklerin" in html and escape("Développeur Python") not in html


def test_it_answers_a_translated_404(client):
    response = client.get("/de/jobs/999999/nothing/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.parametrize("path", ["/en/", "/fr/jobs/", "/de/jobs/?q=x", "/es/companies/acme/"])
def test_it_has_one_h1_per_page(client, board, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_it_keeps_the_query_count_constant_whatever_the_page_size(query_counts):
    for n in range(30):
        factories.live_posting(
            language="fr", country="FR" if n % 2 else "BE", category=factories.category("sales")
        )
    # 7 (the page's ids, then its postings for the cards not made yet), and the exchange
    # rates' one for the salary filter's currencies and note.
    small, large = query_counts("/fr/jobs/?category=sales", most=8)
    assert small == large


def test_it_shows_home_and_company_pages_in_constant_queries(
    client, django_assert_num_queries, settings
):
    acme = factories.company("Acme")
    for _ in range(12):
        factories.live_posting(
            language="fr", country="FR", company=acme, category=factories.category("sales")
        )
    # Data version, categories, facet counts, postings not live yet counted, the latest
    # postings' ids, then the postings for their cards, and when the page may be cached until.
    with django_assert_num_queries(7):
        client.get("/fr/")
    settings.POSTINGS_PER_PAGE = 10
    # Company, count, page of postings.
    with django_assert_num_queries(3):
        client.get(acme.get_absolute_url())


def test_it_escapes_the_json_ld_and_the_meta_description(client):
    posting = factories.live_posting(
        language="en",
        title="</script><script>alert(1)</script>",
        description="<p>R&amp;D team</p>",
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert json.loads(script)["title"] == "</script><script>alert(1)</script>"
    assert '<meta name="description" content="R&amp;D team">' in html


def test_it_never_shows_unsafe_html_even_if_stored(client):
    posting = factories.live_posting(language="en")
    # A write path that skipped validation (a shell, a bulk update) stored a script.
    type(posting).objects.filter(pk=posting.pk).update(
        description='<p>Hello</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    assert "<p>Hello</p>" in html
    assert "alert(1)" not in html and "onerror" not in html


def test_it_shows_a_posting_in_one_query_plus_similar_jobs_and_siblings(
    client, django_assert_num_queries
):
    posting = factories.live_posting(
        language="fr", country="FR", category=factories.category("sales")
    )
    for _ in range(6):
        factories.live_posting(language="fr", country="BE", category=posting.category)
    # The posting, then its similar jobs with their companies in one bounded query.
    with django_assert_num_queries(2):
        html = client.get(posting.get_absolute_url()).content.decode()
    assert html.count('class="posting-card"') == 3
    sibling = factories.live_posting(language="de", country="FR")
    sibling.join_translation_group(posting)
    sibling.save()
    with django_assert_num_queries(3):
        client.get(posting.get_absolute_url())


def test_it_renders_a_translated_500_page():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("pl"):
        html = render_to_string("500.html")
    assert '<html lang="pl">' in html
    assert "Coś poszło nie tak" in html


@pytest.mark.django_db
def test_it_writes_dates_as_html_reads_them(client):
    """<time datetime> takes at most milliseconds: Python's microseconds are invalid HTML."""
    posting = factories.live_posting(language="fr")
    posting.refreshed_at = posting.published_at
    posting.save()
    for url in (posting.get_absolute_url(), "/fr/jobs/"):
        stamps = re.findall(r'<time[^>]* datetime="([^"]+)"', client.get(url).content.decode())
        assert stamps, url
        for stamp in stamps:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp), stamp


def test_it_has_an_icon(client):
    page = client.get("/en/jobs/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon and icon.group(1).endswith(".svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


def test_it_drops_a_country_into_a_redirect_that_stays_on_this_page(client, board):
    response = client.get(
        "/de/jobs/", {"country": "BE", "q": "x\r\nSet-Cookie: a=1", "next": "//evil"}
    )
    location = response["Location"]
    assert location.startswith("?") and "\n" not in location and "\r" not in location
    assert "dropped=BE" in location and "Set-Cookie%3A" in location
