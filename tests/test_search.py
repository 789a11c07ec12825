"""Search and the filters beyond facets: what a seeker typing a query sees."""

import heapq
from array import array
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from postings import selectors
from postings.models import Company, Posting
from tests import factories

pytestmark = pytest.mark.django_db


def titles(client, url: str) -> list[str]:
    import re

    html = client.get(url).content.decode()
    found = re.findall(r'<h3><a href="[^"]+">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def snippet(html: str) -> str:
    return html.split('class="snippet">')[1].split("</p>")[0]


@pytest.mark.parametrize(
    ("language", "title", "query"),
    [
        ("fr", "Développeur backend", "développeurs"),  # plural, stemmed
        ("fr", "Développeur backend", "developpeur"),  # accents ignored
        ("fr", "Ingénieure réseau", "ingenieur"),
        ("de", "Softwareentwicklerin", "softwareentwicklerinnen"),
        ("de", "Entwicklerin Java", "Entwicklerinnen"),
        ("de", "Fachkraft für Lagerlogistik", "Lagerlogistik fur"),  # "für" without its umlaut
        ("es", "Desarrolladora de aplicaciones", "aplicación"),
        ("es", "Técnico de mantenimiento", "tecnicos"),
        ("en", "Software developer", "developers"),
        ("en", "Nurse, night shifts", "nursing shift"),
        ("pl", "Inżynier oprogramowania", "inzynier"),  # simple config, accents ignored
        ("pl", "Księgowa", "KSIĘGOWA"),
        ("pt", "Programador sénior", "programadores senior"),
        ("it", "Sviluppatrice software", "sviluppatrici"),
        ("nl", "Ontwikkelaar backend", "ontwikkelaars"),
    ],
)
def test_it_finds_words_in_other_forms_and_without_accents(client, language, title, query):
    factories.live_posting(language=language, country="FR", title=title)
    factories.live_posting(language=language, country="FR", title="Comptable Lorem")
    assert titles(client, f"/{language}/jobs/?q={query}") == [title]


def test_it_understands_phrases_exclusions_and_or(client):
    factories.live_posting(language="en", title="Senior Python developer")
    factories.live_posting(language="en", title="Python data engineer")
    factories.live_posting(language="en", title="Java developer")
    assert titles(client, '/en/jobs/?q="python developer"') == ["Senior Python developer"]
    assert titles(client, "/en/jobs/?q=python -data") == ["Senior Python developer"]
    found = titles(client, "/en/jobs/?q=java or engineer")
    assert sorted(found) == ["Java developer", "Python data engineer"]


def test_it_searches_only_the_active_language(client):
    factories.live_posting(language="de", title="Python Entwickler")
    factories.live_posting(language="en", title="Python developer")
    assert titles(client, "/en/jobs/?q=python") == ["Python developer"]


def test_it_weights_the_title_above_the_company_above_the_text(client):
    now = timezone.now()
    body = factories.live_posting(
        language="en",
        title="Accountant",
        description="<p>You will use Kafka daily.</p>",
        published_at=now - timedelta(hours=1),
    )
    company = factories.live_posting(
        language="en",
        title="Analyst",
        company=factories.company("Kafka Labs"),
        published_at=now - timedelta(hours=2),
    )
    title = factories.live_posting(
        language="en", title="Kafka engineer", published_at=now - timedelta(hours=3)
    )
    assert titles(client, "/en/jobs/?q=kafka") == [title.title, company.title, body.title]
    # Sorting by date puts the newest first instead.
    assert titles(client, "/en/jobs/?q=kafka&sort=date") == [body.title, company.title, title.title]


def test_it_finds_the_category_in_the_posting_language(client):
    factories.live_posting(language="de", title="Teamleitung", category=factories.category("sales"))
    factories.live_posting(language="de", title="Buchhaltung")
    assert titles(client, "/de/jobs/?q=Vertrieb") == ["Teamleitung"]


def test_it_prefers_recent_postings_among_equal_matches(client):
    now = timezone.now()
    factories.live_posting(language="en", title="Welder", published_at=now - timedelta(days=20))
    factories.live_posting(language="en", title="Welder (night)", published_at=now)
    assert titles(client, "/en/jobs/?q=welder")[0] == "Welder (night)"


def test_it_highlights_the_matched_words_of_the_rows_shown(client):
    factories.live_posting(
        language="fr",
        title="Chef de projet",
        description="<p>Vous piloterez des <strong>projets</strong> ambitieux &amp; variés.</p>",
    )
    html = client.get("/fr/jobs/?q=projet").content.decode()
    assert "<mark>projets</mark>" in html
    assert "&amp; variés" in html and "<strong>" not in html.split('class="snippet"')[1][:200]


def test_it_highlights_the_title_and_shows_the_start_of_the_text_when_only_the_title_matches(
    client,
):
    factories.live_posting(
        language="de",
        title="Backend-Entwickler (m/w/d)",
        description="<p>Wir bauen <strong>Software</strong>: für Spediteure.</p><p>Komm!</p>",
    )
    html = client.get("/de/jobs/?q=Entwickler").content.decode()
    assert ">Backend-<mark>Entwickler</mark> (m/w/d)</a></h3>" in html
    shown = snippet(html)
    assert shown == "Wir bauen Software: für Spediteure. Komm!"
    assert "…" not in shown  # the whole text fits: nothing cut on either side


def test_it_highlights_a_feminine_title_found_through_the_masculine_form(client):
    factories.live_posting(
        language="de", title="Full-Stack-Entwicklerin", description="<p>Gut.</p>"
    )
    html = client.get("/de/jobs/?q=Entwickler -Java").content.decode()
    assert ">Full-Stack-<mark>Entwicklerin</mark></a></h3>" in html


def test_it_highlights_the_feminine_french_title_of_a_masculine_query(client):
    for title in ("Développeuse Python", "Directrice commerciale", "Technicienne réseau"):
        factories.live_posting(language="fr", title=title, description="<p>Bien.</p>")
    html = client.get("/fr/jobs/?q=développeur directeur technicien&sort=date").content.decode()
    html += client.get("/fr/jobs/?q=développeur").content.decode()
    html += client.get("/fr/jobs/?q=directeur").content.decode()
    html += client.get("/fr/jobs/?q=technicien").content.decode()
    for marked in (
        "<mark>Développeuse</mark>",
        "<mark>Directrice</mark>",
        "<mark>Technicienne</mark>",
    ):
        assert marked in html


def test_it_cuts_a_long_text_around_the_match_with_an_ellipsis_where_it_cuts(client):
    words = " ".join(f"Wort{i}" for i in range(80))
    factories.live_posting(
        language="de", title="Lagerist", description=f"<p>{words} Entwickler {words}</p>"
    )
    shown = snippet(client.get("/de/jobs/?q=Entwickler").content.decode())
    assert shown.startswith("… ") and shown.endswith(" …") and "<mark>Entwickler</mark>" in shown
    factories.live_posting(language="de", title="Entwickler", description=f"<p>{words}</p>")
    html = client.get("/de/jobs/?q=Entwickler&sort=date").content.decode()
    shown = snippet(html)
    assert shown.startswith("Wort0 ") and shown.endswith(" …") and "<mark>" not in shown


def test_it_escapes_the_posting_text_around_the_highlights(client):
    factories.live_posting(
        language="en",
        title="<script>alert(1)</script> Welder <b>now</b>",
        description="<p>Weld &lt;img src=x onerror=alert(1)&gt; steel.</p>",
    )
    html = client.get("/en/jobs/?q=welder").content.decode()
    main = html.split("<main")[1]
    assert "<script>alert" not in main and "<b>now" not in main and "<img" not in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Welder</mark> &lt;b&gt;now" in main
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet(html)


def test_it_suggests_a_close_title_when_nothing_matches(client):
    factories.live_posting(language="en", title="Python developer")
    html = client.get("/en/jobs/?q=pyhton developr").content.decode()
    assert 'class="posting-card"' not in html
    assert '<a href="?q=Python%20developer">Python developer</a>' in html


def test_it_suggests_no_other_words_when_the_filters_leave_nothing_of_what_they_find(client):
    # "developer" is spelled right: the filters, not the words, find nothing. The empty page
    # offers to remove a filter; another title ("Java Developer", without the filters) would
    # send the seeker away from what they asked for.
    factories.live_posting(
        language="en", country="FR", title="Java Developer", employment_type="full_time"
    )
    factories.live_posting(language="en", country="FR", title="Python developer", salary_min=None)
    for query in ("q=developer&type=internship", "q=developer&salary_min=900000&with_salary=1"):
        html = client.get(f"/en/jobs/?{query}").content.decode()
        assert 'class="posting-card"' not in html, query
        assert "Did you mean" not in html, query
        assert "Try removing a filter" in html, query
    # A word that finds nothing, filtered or not, is still given the closest one.
    html = client.get("/en/jobs/?q=develpoer&type=internship").content.decode()
    assert "Did you mean" in html and "eveloper</a>" in html


def test_it_suggests_nothing_for_words_that_each_find_postings_but_not_together(client):
    # Both words are spelled right: no posting holds the two. Another title ("Python
    # developer") is not what was asked for; the empty page asks for fewer keywords.
    factories.live_posting(language="en", title="Python developer")
    factories.live_posting(language="en", title="Welder")
    html = client.get("/en/jobs/?q=python welder").content.decode()
    assert 'class="posting-card"' not in html
    assert "Did you mean" not in html
    assert "Use fewer or more general keywords" in html


def test_it_filters_by_yearly_salary_across_periods(client):
    def make(title, low, high, period):
        factories.live_posting(
            language="en",
            title=title,
            salary_min=low,
            salary_max=high,
            salary_currency="EUR",
            salary_period=period,
        )

    make("Hourly", 20, 30, "hour")  # up to 62,400 a year
    make("Monthly", 3000, 4000, "month")  # up to 48,000 a year
    make("Yearly", 40000, 55000, "year")
    make("Yearly low", 30000, None, "year")
    factories.live_posting(language="en", title="Unstated")
    assert sorted(titles(client, "/en/jobs/?salary_min=50000")) == ["Hourly", "Unstated", "Yearly"]
    assert sorted(titles(client, "/en/jobs/?salary_min=50000&with_salary=1")) == [
        "Hourly",
        "Yearly",
    ]
    assert "Unstated" not in titles(client, "/en/jobs/?with_salary=1")


def test_it_filters_by_publication_date(client):
    now = timezone.now()
    factories.live_posting(language="en", title="Fresh", published_at=now - timedelta(hours=5))
    factories.live_posting(language="en", title="Older", published_at=now - timedelta(days=5))
    assert titles(client, "/en/jobs/?posted_within=1") == ["Fresh"]
    assert titles(client, "/en/jobs/?posted_within=7") == ["Fresh", "Older"]


def test_it_combines_every_filter_in_a_shareable_url(client):
    now = timezone.now()
    sales = factories.category("sales")
    match = factories.live_posting(
        language="fr",
        title="Commercial grands comptes",
        country="BE",
        category=sales,
        remote="hybrid",
        employment_type="full_time",
        salary_min=50000,
        salary_max=70000,
        salary_currency="EUR",
        salary_period="year",
        published_at=now - timedelta(days=1),
    )
    for change in (
        {"country": "FR"},
        {"remote": "remote"},
        {"title": "Comptable"},
        {"published_at": now - timedelta(days=20)},
        {"salary_max": 40000},
    ):
        fields = {
            "language": "fr",
            "title": match.title,
            "country": "BE",
            "category": sales,
            "remote": "hybrid",
            "salary_min": 30000,
            "salary_max": 70000,
            "salary_currency": "EUR",
            "salary_period": "year",
            "published_at": now - timedelta(days=1),
        }
        fields.update(change)
        factories.live_posting(**fields)
    url = (
        "/fr/jobs/?q=commerciaux&country=BE&category=sales&type=full_time&remote=hybrid"
        "&salary_min=60000&posted_within=7&sort=date"
    )
    html = client.get(url).content.decode()
    assert html.count('class="posting-card"') == 1
    assert f'href="{match.get_absolute_url()}"' in html


def test_it_bounds_deep_pages_with_a_clear_message(client, settings):
    settings.POSTINGS_PER_PAGE = 1
    for n in range(52):
        factories.live_posting(language="en", title=f"Job number {n}")
    response = client.get("/en/jobs/?page=999")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Page 50 of 50" in html
    assert "Only the first 50 pages can be browsed" in html
    assert html.count('class="posting-card"') == 1


def test_it_keeps_the_query_count_of_a_search_constant(query_counts):
    for n in range(30):
        factories.live_posting(language="fr", country="FR", title=f"Développeur {n}")
    small, large = query_counts("/fr/jobs/?q=développeur", most=7)
    assert small == large


def test_it_reports_an_out_of_range_salary_in_the_visitor_language(client):
    html = client.get("/de/jobs/?salary_min=-5").content.decode()
    assert 'role="alert"' in html
    assert "größer oder gleich 0" in html
    assert Posting.objects.count() == 0
    assert "Mindestgehalt" in html


def test_it_finds_a_company_by_its_new_name_after_a_rename_in_the_admin(client, admin_user):
    acme = factories.company("Acme")
    factories.live_posting(language="en", title="Welder", company=acme)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/postings/company/{acme.pk}/change/",
        {
            "name": "Globex",
            "slug": "acme",
            "website": "",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert titles(client, "/en/jobs/?q=globex") == ["Welder"]
    assert titles(client, "/en/jobs/?q=acme") == []


def test_it_takes_punctuation_alone_as_no_query(client):
    factories.live_posting(language="en", title="Welder")
    for junk in ('"', "-", "&|!", ":*"):
        html = client.get(f"/en/jobs/?q={junk}").content.decode()
        assert "Welder" in html and "Did you mean" not in html


def test_it_highlights_a_feminine_form_as_typed(client):
    factories.live_posting(
        language="fr", title="Développeuse Python", description="<p>Une développeuse curieuse.</p>"
    )
    html = client.get("/fr/jobs/?q=développeuse").content.decode()
    assert "<mark>développeuse</mark>" in html


def test_it_reads_the_language_it_is_given_whatever_the_active_one():
    from django.utils import translation

    from postings import selectors

    factories.live_posting(language="fr", country="FR", title="Soudeur")
    factories.live_posting(language="de", country="DE", title="Schweißer")
    factories.live_posting(language="de", country="AT", title="Schweißerin")
    # A thread left in another language (a task, a shell, an earlier request) changes nothing.
    with translation.override("de"):
        found = selectors.search("fr", selectors.Filters(q="soudeur"), [], page=1, per_page=10)
        everything = selectors.matching("fr", selectors.Filters())
        countries = selectors.country_list("fr")
        suggestion = selectors.search("fr", selectors.Filters(q="soudeurz"), [], page=1, per_page=1)
    assert [posting.title for posting in found.postings] == ["Soudeur"]
    assert [posting.title for posting in everything] == ["Soudeur"]
    assert [(country.value, country.count) for country in countries] == [("FR", 1)]
    assert suggestion.suggestion == "Soudeur"


def test_it_finds_a_company_by_its_new_name_after_a_rename_outside_the_admin(client):
    acme = factories.company("Acme")
    factories.live_posting(language="en", title="Welder", company=acme)
    Company.objects.filter(pk=acme.pk).update(name="Globex")
    assert titles(client, "/en/jobs/?q=globex") == ["Welder"]
    assert titles(client, "/en/jobs/?q=acme") == []


def test_it_finds_a_category_by_its_new_name_after_a_rename_outside_the_admin(client):
    sales = factories.category("sales")
    factories.live_posting(language="de", title="Teamleitung", category=sales)
    sales.name_de = "Verkauf"
    sales.save()
    assert titles(client, "/de/jobs/?q=Verkauf") == ["Teamleitung"]
    assert titles(client, "/de/jobs/?q=Vertrieb") == []


@pytest.mark.parametrize("query", ["O'Brien", "welder':* | !x", "a\\'b welder", "___ welder 2024"])
def test_it_highlights_whatever_the_text_typed(client, query):
    factories.live_posting(language="en", title="Welder O'Brien", description="<p>Weld.</p>")
    response = client.get("/en/jobs/", {"q": query})
    assert response.status_code == 200


def test_it_marks_only_the_matched_words_whatever_control_characters_a_text_holds(client):
    # The highlighter's own markers (\x02, \x03) written into a title or a text by a recruiter
    # (the panel and the partner API take any character but NUL) must not open or close a
    # <mark> of their own.
    factories.live_posting(
        language="en",
        title="Welder \x03now\x02 senior",
        description="<p>Weld \x02steel\x03 and \x03iron.</p>",
    )
    html = client.get("/en/jobs/?q=welder weld").content.decode()
    main = html.split("<main")[1]
    assert main.count("<mark>") == main.count("</mark>") == 2
    assert "<mark>Welder</mark> now senior" in main
    assert "<mark>Weld</mark> steel and iron." in snippet(html)


@given(
    rows=st.lists(
        st.tuples(
            # Scores that tie (a text match alone scores 0), dates that tie, distinct ids.
            st.sampled_from([0.0, 0.25, 0.5, 1.0]),
            st.integers(0, 3),
            st.integers(0, 10**6),
        ),
        max_size=300,
        unique_by=lambda row: row[2],
    ),
    n=st.integers(1, 400),
)
def test_it_orders_the_first_matches_of_a_search_as_a_full_sort_would(rows, n):
    """The first pages of a search (selectors.Matches.ranked) by score, then date, then id,
    and by date, then id: however many tie, and however few there are."""
    scores, published, ids = (
        array(typecode, [row[i] for row in rows]) for i, typecode in enumerate("dqq")
    )
    assert selectors._largest(n, scores, published, ids) == heapq.nlargest(n, rows)
    by_date = [(row[1], row[2]) for row in rows]
    assert selectors._largest(n, published, ids) == heapq.nlargest(n, by_date)


def test_it_keeps_each_first_match_with_its_publication_to_the_microsecond():
    """A search's order keeps each match's publication beside its id (selectors.Ranked), what
    the page's kept cards are found by: the same moment as the posting's own."""
    now = timezone.now()
    for n in range(4):
        factories.live_posting(
            language="fr",
            title=f"Soudeur {n}",
            published_at=now - timedelta(days=n, microseconds=123_457 * n + 1),
        )
    for sort in ("", "date"):
        found = selectors._find("fr", selectors.Filters(q="soudeur", sort=sort), [], 20, now)
        keys = found.ranked.keys(0, len(found.ranked))
        published = dict(Posting.objects.values_list("pk", "published_at"))
        assert [at for _pk, at in keys] == [published[pk] for pk, _at in keys]
        assert len(keys) == 4
