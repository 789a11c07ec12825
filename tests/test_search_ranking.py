"""Titles first, every word form (issue 19): compounds found by their parts in titles, Polish
stemmed on every write path, Spanish gender slashes, and a useful suggestion when nothing matches.
"""

import json
import random
import string
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from postings import selectors
from postings.models import Posting
from tests import factories
from tests.test_admin import posting_form
from tests.test_partner_api import make_key
from tests.test_search import titles

pytestmark = pytest.mark.django_db

POLISH_TEXT = "<p>Dołącz do naszego zespołu w Krakowie. Oferujemy umowę o pracę i szkolenia.</p>"


def test_it_finds_german_compounds_by_their_parts_in_titles(client):
    for title in (
        "Java-Softwareentwicklerin (w/m/d)",
        "Softwareentwickler C++ Embedded",
        "Webentwickler PHP / Symfony",
        "Backend-Entwickler (m/w/d)",
    ):
        factories.live_posting(language="de", country="DE", title=title)
    factories.live_posting(language="de", country="DE", title="Buchhalterin")
    found = titles(client, "/de/jobs/?q=Entwickler")
    assert sorted(found) == [
        "Backend-Entwickler (m/w/d)",
        "Java-Softwareentwicklerin (w/m/d)",
        "Softwareentwickler C++ Embedded",
        "Webentwickler PHP / Symfony",
    ]
    # A feminine query folds as the titles do; every long word must be in the title.
    assert "Java-Softwareentwicklerin (w/m/d)" in titles(client, "/de/jobs/?q=Entwicklerin")
    assert titles(client, "/de/jobs/?q=Java Entwickler") == ["Java-Softwareentwicklerin (w/m/d)"]


def test_it_excludes_a_word_however_the_exclusion_is_written(client):
    sql = "<p>Sie arbeiten mit SQL-Datenbanken und Python.</p>"
    factories.live_posting(language="de", country="DE", title="Entwickler Java", description=sql)
    factories.live_posting(language="de", country="DE", title="Softwareentwickler", description=sql)
    factories.live_posting(language="de", country="DE", title="Entwickler Python")
    # websearch reads "-" as "not" after a space, a parenthesis or an operator; the compound
    # titles are not looked for then (the vector alone answers), so none slips past it.
    for query in ("Entwickler -SQL", "Entwickler (-SQL)", "Entwickler !-SQL", "Entwickler|-SQL"):
        assert "Softwareentwickler" not in titles(client, f"/de/jobs/?q={query}"), query
    assert titles(client, "/de/jobs/?q=Entwickler (-SQL)") == ["Entwickler Python"]


def test_it_finds_dutch_compounds_by_their_parts_in_titles(client):
    factories.live_posting(language="nl", country="NL", title="Softwareontwikkelaar")
    factories.live_posting(language="nl", country="NL", title="Servicemonteur installatietechniek")
    factories.live_posting(language="nl", country="NL", title="Boekhouder")
    assert titles(client, "/nl/jobs/?q=ontwikkelaar") == ["Softwareontwikkelaar"]
    assert titles(client, "/nl/jobs/?q=monteur") == ["Servicemonteur installatietechniek"]


def test_it_keeps_compound_parts_to_the_languages_that_write_compounds(client):
    factories.live_posting(language="en", title="JavaScript developer")
    factories.live_posting(language="de", country="DE", title="Bauleiter")
    assert titles(client, "/en/jobs/?q=java") == []
    # Words shorter than four letters are not looked for inside compounds ("Bau" in "Bauleiter").
    assert titles(client, "/de/jobs/?q=Bau") == []


def test_it_takes_a_query_that_looks_like_a_regular_expression_literally(client):
    factories.live_posting(language="de", country="DE", title="Softwareentwickler")
    for query in ("Ent.*ler", "[a-z]+", "xyzq|entw", "\\w+"):
        response = client.get("/de/jobs/", {"q": query})
        assert response.status_code == 200
        assert 'class="posting-card"' not in response.content.decode(), query
    # A pasted sentence is left to the vector: no title holds all its words.
    sentence = "Softwareentwickler " * 6
    assert titles(client, f"/de/jobs/?q={sentence}") == ["Softwareentwickler"]


def test_it_ranks_a_title_match_above_a_body_match_of_the_same_age(client):
    now = timezone.now()
    body = factories.live_posting(
        language="de",
        country="DE",
        title="Vertriebsmitarbeiter Innendienst",
        description="<p>Du arbeitest eng mit unseren Entwicklern und Entwickler-Teams.</p>",
        published_at=now - timedelta(hours=1),
    )
    title = factories.live_posting(
        language="de",
        country="DE",
        title="Java-Softwareentwicklerin",
        published_at=now - timedelta(hours=6),
    )
    assert titles(client, "/de/jobs/?q=Entwickler") == [title.title, body.title]
    # Polish too: the stems of the title weigh as the title.
    polish_body = factories.live_posting(
        language="pl",
        country="PL",
        title="Handlowiec B2B",
        description="<p>Współpraca z księgowymi i księgową firmy.</p>",
        published_at=now - timedelta(hours=1),
    )
    polish_title = factories.live_posting(
        language="pl", country="PL", title="Główny Księgowy", published_at=now - timedelta(hours=6)
    )
    assert titles(client, "/pl/jobs/?q=księgowa") == [polish_title.title, polish_body.title]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Księgowy", "księgowa"),
        ("Starszy Księgowy (k/m)", "ksiegowa"),  # typed without its accents
        ("Księgowa", "księgowy"),
        ("Programista Java", "programisty"),
        ("Staż dla programisty", "programista"),  # Stempel reads "programisty" as another word
        ("Programistka Frontend", "programista"),
        ("Pielęgniarka / Pielęgniarz", "pielęgniarki"),
        ("Sprzedawczyni w sklepie", "sprzedawca"),
    ],
)
def test_it_stems_polish(client, title, query):
    factories.live_posting(language="pl", country="PL", title=title, description=POLISH_TEXT)
    factories.live_posting(language="pl", country="PL", title="Kierowca kat. C+E")
    assert titles(client, f"/pl/jobs/?q={query}") == [title]


def test_it_finds_a_polish_word_form_in_the_text(client):
    factories.live_posting(
        language="pl",
        country="PL",
        title="Staż w dziale IT",
        description="<p>Szukamy młodszego programisty do zespołu.</p>",
    )
    assert titles(client, "/pl/jobs/?q=programista") == ["Staż w dziale IT"]


def _feed_row(external_id: str, title: str, language: str = "pl", country: str = "PL") -> dict:
    return {
        "external_id": external_id,
        "language": language,
        "title": title,
        "company": "Biuro Rachunkowe Nowak",
        "country": country,
        "city": "Kraków",
        "description": POLISH_TEXT,
    }


def _put_by_partner_api(client, company: str, row: dict) -> None:
    """`row` published by a trusted company through the partner API, under its external id."""
    key = make_key(factories.trusted_company(company))
    body = {name: value for name, value in row.items() if name not in ("external_id", "company")}
    response = client.put(
        f"/api/v1/partner/postings/{row['external_id']}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.json()


def test_it_stems_postings_written_by_every_path(client, admin_client, tmp_path):
    # The panel (Posting.save()).
    company = factories.company("Acme")
    form = posting_form(
        company, language="pl", country="PL", title="Główna Księgowa", description=POLISH_TEXT
    )
    response = admin_client.post("/admin/postings/posting/add/", {**form, "_submit": "Publish"})
    assert response.status_code == 302
    # An import's new rows (one COPY), then an update of one of them (a bulk update).
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([_feed_row("1", "Kierowcy kat. B"), _feed_row("2", "Pielęgniarki")]))
    call_command("import_postings", str(feed), "--source", "feed")
    feed.write_text(json.dumps([_feed_row("2", "Programistki Python")]))
    call_command("import_postings", str(feed), "--source", "feed")
    _put_by_partner_api(client, "Kadry Sp. z o.o.", _feed_row("REQ-1", "Analityczka danych"))

    assert titles(client, "/pl/jobs/?q=księgowy") == ["Główna Księgowa"]
    assert titles(client, "/pl/jobs/?q=kierowca") == ["Kierowcy kat. B"]
    assert titles(client, "/pl/jobs/?q=programista") == ["Programistki Python"]
    assert titles(client, "/pl/jobs/?q=pielęgniarka") == []
    assert titles(client, "/pl/jobs/?q=analityk") == ["Analityczka danych"]
    assert not Posting.objects.filter(language="pl", search_stems="").exists()


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Desarrollador/a Full Stack", "desarrollador"),
        ("Desarrollador/a Full Stack", "desarrolladora"),
        ("Camarero/a de sala", "camarero"),
        ("Enfermeros/as para UCI", "enfermero"),
    ],
)
def test_it_finds_a_spanish_title_written_with_a_gender_slash(client, title, query):
    factories.live_posting(language="es", country="ES", title=title)
    factories.live_posting(language="es", country="ES", title="Contable senior")
    assert titles(client, f"/es/jobs/?q={query}") == [title]


@pytest.mark.parametrize(
    ("language", "title", "query", "suggestion"),
    [
        ("pl", "Programista Java", "progamista", "Programista"),
        ("de", "Backend-Entwickler (m/w/d)", "Entwikler", "Entwickler"),
        ("de", "Java-Softwareentwicklerin", "Java Entwikler", "Java Entwickler"),
        ("es", "Desarrollador/a Full Stack", "desarollador", "Desarrollador"),
    ],
)
def test_it_suggests_the_closest_title_word_when_nothing_matches(
    client, language, title, query, suggestion
):
    factories.live_posting(language=language, country="DE", title=title)
    factories.live_posting(language=language, country="DE", title="Backend-Entwickler (m/w/d)")
    html = client.get(f"/{language}/jobs/?q={query}").content.decode()
    assert 'class="posting-card"' not in html
    assert f">{suggestion}</a>" in html
    assert title in titles(client, f"/{language}/jobs/?q={suggestion}")


def test_it_counts_facets_over_the_postings_found_by_their_title_parts():
    factories.live_posting(language="de", country="DE", title="Softwareentwicklerin")
    factories.live_posting(language="de", country="AT", title="Webentwickler")
    factories.live_posting(
        language="de", country="AT", title="Koch", description="<p>Entwickler</p>"
    )
    factories.live_posting(language="de", country="CH", title="Buchhalter")
    results = selectors.search(
        "de", selectors.Filters(q="Entwickler", country=("AT",)), [], page=1, per_page=10
    )
    assert [posting.title for posting in results.postings] == ["Webentwickler", "Koch"]
    assert results.total == 2
    assert {value.value: value.count for value in results.facets["country"]} == {"AT": 2, "DE": 1}


def test_it_ranks_a_compound_title_as_a_title_holding_the_word_alone(client):
    # Both are developers' jobs: the newer comes first, whether "Entwickler" stands alone in
    # its title or ends a compound (and so in Dutch).
    now = timezone.now()
    for language, country, alone, compound, query in (
        ("de", "DE", "Entwickler Java", "Java-Softwareentwicklerin", "Entwickler"),
        ("nl", "NL", "Ontwikkelaar Java", "Java-softwareontwikkelaar", "ontwikkelaar"),
    ):
        factories.live_posting(
            language=language, country=country, title=alone, published_at=now - timedelta(hours=6)
        )
        factories.live_posting(
            language=language,
            country=country,
            title=compound,
            published_at=now - timedelta(hours=1),
        )
        assert titles(client, f"/{language}/jobs/?q={query}") == [compound, alone]


def test_it_finds_compound_parts_of_postings_written_by_every_path(client, admin_client, tmp_path):
    company = factories.company("Acme")
    form = posting_form(company, language="de", country="DE", title="Softwareentwicklerin")
    response = admin_client.post("/admin/postings/posting/add/", {**form, "_submit": "Publish"})
    assert response.status_code == 302
    feed = tmp_path / "feed.json"
    rows = [
        _feed_row("1", "Krankenpfleger", "de", "DE"),
        _feed_row("2", "Fahrlehrerin", "de", "DE"),
    ]
    feed.write_text(json.dumps(rows))
    call_command("import_postings", str(feed), "--source", "feed")
    rows[1]["title"] = "Elektroinstallateur"
    feed.write_text(json.dumps(rows[1:]))
    call_command("import_postings", str(feed), "--source", "feed")
    _put_by_partner_api(client, "Bouw B.V.", _feed_row("REQ-1", "Servicemonteur", "nl", "NL"))

    assert titles(client, "/de/jobs/?q=Entwickler") == ["Softwareentwicklerin"]
    assert titles(client, "/de/jobs/?q=Pfleger") == ["Krankenpfleger"]
    assert titles(client, "/de/jobs/?q=Installateur") == ["Elektroinstallateur"]
    assert titles(client, "/de/jobs/?q=Lehrerin") == []
    assert titles(client, "/nl/jobs/?q=monteur") == ["Servicemonteur"]


def test_it_ranks_titles_by_the_word_whichever_part_of_a_compound_holds_it(client):
    # "Software" starts one title and stands alone in the other: the newer comes first. A
    # title is not counted as holding the word twice because two of its starts stem alike
    # ("softwar", "software").
    now = timezone.now()
    for hours, title in ((6, "Softwareentwickler"), (1, "Software Tester")):
        factories.live_posting(
            language="de", country="DE", title=title, published_at=now - timedelta(hours=hours)
        )
    assert titles(client, "/de/jobs/?q=Software") == ["Software Tester", "Softwareentwickler"]


def test_it_finds_a_compound_by_a_query_written_with_a_hyphen(client):
    factories.live_posting(language="de", country="DE", title="Java Entwickler")
    factories.live_posting(language="de", country="DE", title="Java-Softwareentwicklerin")
    factories.live_posting(language="de", country="DE", title="Python-Entwickler")
    found = titles(client, "/de/jobs/?q=Java-Entwickler")
    assert sorted(found) == ["Java Entwickler", "Java-Softwareentwicklerin"]


def test_it_finds_a_part_inside_a_compound_of_three_words(client):
    # "Logistik" inside "Lager|logistik|mitarbeiter", "service" inside
    # "Klanten|service|medewerker": found, and ranked as a match in the text, after the titles
    # that hold the word alone or at a compound's start or end, however new.
    now = timezone.now()
    for language, country, inside, alone, other, query in (
        ("de", "DE", "Lagerlogistikmitarbeiter", "Fachkraft Logistik", "Lagerhelfer", "Logistik"),
        ("nl", "NL", "Klantenservicemedewerker", "Service engineer", "Klantenadviseur", "service"),
    ):
        for hours, title in ((1, inside), (6, alone), (1, other)):
            factories.live_posting(
                language=language,
                country=country,
                title=title,
                published_at=now - timedelta(hours=hours),
            )
        assert titles(client, f"/{language}/jobs/?q={query}") == [alone, inside]


def test_it_saves_a_title_of_one_long_word_and_finds_it_by_its_start(client):
    # Parts inside grow with the square of a word's length: a 200-letter word has 18,528, more
    # than a search vector holds (1 MB), and its posting could not be written.
    word = "".join(random.Random(0).choices(string.ascii_lowercase, k=200))
    factories.live_posting(language="de", country="DE", title=word.capitalize())
    assert titles(client, f"/de/jobs/?q={word[:12]}") == [word.capitalize()]
