"""Where and how far: postings geocoded from their city on every write path, the `where` and
`radius` filters on the list page, the API and alerts, and the where box's suggestions."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from alerts.models import Alert
from postings.models import City, Posting
from tests import factories
from tests.test_admin import posting_form
from tests.test_alerts import confirmed_alert, new_posting, subscribe, sweep, text

pytestmark = pytest.mark.django_db


def titles(html: str) -> set[str]:
    found = re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', html)
    return {re.sub(r"</?mark>", "", title) for title in found}  # a search highlights its words


def point(posting: Posting) -> tuple[float, float] | None:
    posting.refresh_from_db()
    if posting.latitude is None or posting.longitude is None:
        return None
    return round(posting.latitude, 2), round(posting.longitude, 2)


LYON = (45.75, 4.85)
ZURICH = (47.37, 8.55)


def test_it_has_the_cities_right_after_migrate():
    assert City.objects.count() > 60_000
    lyon = City.objects.get(name="Lyon", country="FR")
    assert (round(lyon.latitude, 2), round(lyon.longitude, 2)) == LYON
    assert {"Genf", "Genève", "Ginevra"} <= set(
        City.objects.get(name="Geneva", country="CH").names.values_list("name", flat=True)
    )


def test_it_geocodes_a_posting_written_in_code_or_in_bulk():
    posting = factories.live_posting(language="de", country="CH", city="Zurich")
    assert point(posting) == ZURICH
    posting.city = "Genève"
    posting.save()
    assert point(posting) == (46.2, 6.15)
    Posting.objects.filter(pk=posting.pk).update(city="zürich (ZH)")
    assert point(posting) == ZURICH
    Posting.objects.filter(pk=posting.pk).update(country="FR")  # no Zürich in France
    assert point(posting) is None
    (bulk,) = Posting.objects.bulk_create(
        [
            Posting(
                language="fr",
                title="Soudeur",
                slug="soudeur",
                company=factories.company(),
                country="FR",
                city="Lyon, Rhône",
                description="x",
            )
        ]
    )
    assert point(bulk) == LYON


def test_it_geocodes_an_imported_posting(tmp_path):
    feed = tmp_path / "feed.json"
    row = {
        "external_id": "1",
        "language": "fr",
        "title": "Vendeur",
        "company": "Acme",
        "country": "FR",
        "city": "LYON",
        "description": "x",
    }
    feed.write_text(json.dumps([row]))
    call_command("import_postings", str(feed))
    assert point(Posting.objects.get(external_id="1")) == LYON


def test_it_geocodes_a_posting_from_the_partner_api(client):
    token = ApiToken(company=factories.trusted_company("Acme"), name="ATS")
    key = token.generate_key()
    token.save()
    row = {"language": "fr", "title": "Soudeuse", "country": "FR", "city": "Lyon"}
    response = client.put(
        "/api/v1/partner/postings/REQ-1",
        {**row, "description": "<p>Atelier.</p>", "apply_url": "https://ats.example/1"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.json()
    assert point(Posting.objects.get(external_id="REQ-1")) == LYON


def test_it_geocodes_a_posting_written_in_the_panel(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw-for-tests"))
    response = client.post(
        "/admin/postings/posting/add/",
        posting_form(factories.company("Acme"), _submit="Publish", city="Wien"),
    )
    assert response.status_code == 302
    assert point(Posting.objects.get()) == (48.21, 16.37)


@pytest.fixture
def around_lyon():
    """French postings in and around Lyon, and far from it."""

    def post(title: str, city: str, remote: str = "onsite", country: str = "FR"):
        return factories.live_posting(
            language="fr", title=title, city=city, country=country, remote=remote
        )

    post("Soudeur Lyon", "Lyon")
    post("Soudeur Villeurbanne", "Villeurbanne")  # 3 km
    post("Soudeur Mâcon", "Mâcon")  # 63 km
    post("Soudeur Grenoble", "Grenoble")  # 95 km
    post("Soudeur Paris", "Paris")  # 390 km
    post("Télétravail Paris", "Paris", remote="remote")
    post("Télétravail Villeurbanne", "Villeurbanne", remote="remote")
    post("Soudeur Genève", "Genève", country="CH")  # 110 km
    post("Soudeur sans ville", "")


def test_it_finds_the_jobs_within_the_radius_of_a_city(client, around_lyon):
    html = client.get("/fr/jobs/?where=Lyon").content.decode()
    assert titles(html) == {"Soudeur Lyon", "Soudeur Villeurbanne", "Télétravail Villeurbanne"}
    assert "3 offres" in html
    html = client.get("/fr/jobs/?where=Lyon&radius=100").content.decode()
    assert titles(html) == {
        "Soudeur Lyon",
        "Soudeur Villeurbanne",
        "Télétravail Villeurbanne",
        "Soudeur Mâcon",
        "Soudeur Grenoble",
    }
    html = client.get("/fr/jobs/?where=Lyon&radius=10&q=soudeur").content.decode()
    assert titles(html) == {"Soudeur Lyon", "Soudeur Villeurbanne"}
    # The where and its radius stay in the search form, the filters' form and a chip.
    assert 'name="where" maxlength="100" value="Lyon"' in html
    assert '<option value="10" selected>' in html
    assert '<input type="hidden" name="where" value="Lyon">' in html
    assert "À moins de 10\xa0km de Lyon" in html or "À moins de 10 km de Lyon" in html


def test_it_keeps_remote_jobs_from_anywhere_when_the_seeker_asks_for_remote(client, around_lyon):
    html = client.get("/fr/jobs/?where=Lyon&remote=remote").content.decode()
    assert titles(html) == {"Télétravail Paris", "Télétravail Villeurbanne"}
    # Without asking for remote work, a remote job away from Lyon is not "in Lyon"; the remote
    # facet still says how many asking would find.
    html = client.get("/fr/jobs/?where=Lyon").content.decode()
    assert "Télétravail Paris" not in html
    assert re.search(r'value="remote"[^>]*> Télétravail complet <span class="count">\(2\)', html)
    assert re.search(r'value="onsite"[^>]*> Sur site <span class="count">\(2\)', html)


def page_and_its_query(client: Client, url: str) -> tuple[str, str]:
    """The page, and the SQL of the last query that read its postings' ids around a place."""
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    around = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "earth" in q["sql"]]
    assert around, url
    return html, around[-1]


def test_it_lists_the_same_pages_walking_by_date_or_reading_the_radius(
    client, around_lyon, settings, monkeypatch
):
    # A dense radius is walked by date, testing each posting's distance; a sparse one is read
    # by the GiST index. Both give the same pages, remote postings included when asked for.
    from postings import selectors

    for n in range(4):
        factories.live_posting(language="fr", title=f"Cariste {n}", city="Lyon", country="FR")
    settings.POSTINGS_PER_PAGE = 2
    queries = ["where=Lyon", "where=Lyon&radius=100", "where=Lyon&remote=remote"]

    def pages(walk_rows: int) -> list[list[str]]:
        monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
        seen = []
        for query in queries:
            for page in (1, 2, 3, 4):
                url = f"/fr/jobs/?{query}&page={page}&by={walk_rows}"
                html, sql = page_and_its_query(client, url)
                assert ("earth_box" in sql) == (walk_rows == 0), query
                seen.append(re.findall(r'<h3><a href="[^"]*">([^<]*)</a>', html))
        return seen

    walked, boxed = pages(10_000), pages(0)
    assert walked == boxed
    assert any("Télétravail Paris" in page for page in walked)  # remote, asked for


def test_it_reads_the_radius_when_it_cannot_tell_how_dense_it_is(client, around_lyon):
    # With a salary or an age filter beside the "where", the share of the language's postings
    # that the radius holds is not counted: walking by date could read every posting of the
    # language for a small town, so the page is read by the radius.
    for query in ("where=Lyon&salary_min=1", "where=Lyon&posted_within=7"):
        _html, sql = page_and_its_query(client, f"/fr/jobs/?{query}")
        assert "earth_box" in sql, query


def test_it_takes_a_city_without_accents_or_in_another_language(client):
    factories.live_posting(language="de", title="Schweisser Zürich", country="CH", city="Zürich")
    factories.live_posting(language="de", title="Schweisser Genf", country="CH", city="Genève")
    factories.live_posting(language="de", title="Schweisser Basel", country="CH", city="Basel")
    for where in ("Zurich", "zürich", "ZURICH", "Zuerich"):
        html = client.get(f"/de/jobs/?where={where}").content.decode()
        assert titles(html) == {"Schweisser Zürich"}, where
    for where in ("Genf", "Genève", "geneve", "Geneva", "Ginevra"):
        html = client.get(f"/de/jobs/?where={where}&radius=10").content.decode()
        assert titles(html) == {"Schweisser Genf"}, where


def test_it_prefers_the_city_in_the_country_searched(client):
    factories.live_posting(language="en", title="Welder Valencia", country="ES", city="Valencia")
    factories.live_posting(language="en", title="Welder London", country="GB", city="London")
    factories.live_posting(language="en", title="Welder Ontario", country="CA", city="London")
    assert titles(client.get("/en/jobs/?where=London").content.decode()) == {"Welder London"}
    html = client.get("/en/jobs/?where=London&country=CA").content.decode()
    assert titles(html) == {"Welder Ontario"}
    html = client.get("/en/jobs/?where=London%2C+CA").content.decode()
    assert titles(html) == {"Welder Ontario"}
    html = client.get("/en/jobs/?where=Valencia+(Comunitat+Valenciana)&country=ES").content.decode()
    assert titles(html) == {"Welder Valencia"}
    assert titles(client.get("/en/jobs/?where=London,+Greater+London").content.decode()) == {
        "Welder London"
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Nous ne connaissons pas de ville nommée"),
        ("de", "Wir kennen keinen Ort namens"),
        ("pl", "Nie znamy miejscowości o nazwie"),
    ],
)
def test_it_says_next_to_the_where_box_that_it_knows_no_such_city(client, language, message):
    factories.live_posting(language=language, title="Job A", country="FR", city="Lyon")
    html = client.get(f"/{language}/jobs/?where=Xyzzyville%27+OR+1%3D1--").content.decode()
    assert f'<p class="field-error" id="where-error">{message}' in html
    assert "Xyzzyville&#x27; OR 1=1--" in html
    assert titles(html) == {"Job A"}, "an unknown city filters nothing"
    assert html.count(message) == 1, "said once, below the where box, not again in the filters"
    assert 'id="filters" open' not in html, "the filters are not what went wrong"
    long = client.get(f"/{language}/jobs/?where={'x' * 5000}")
    assert long.status_code == 200


class SearchForm(HTMLParser):
    """The page's search form (role=search) as a browser sees it: where it goes, its named
    fields with their ids and attributes, and the text of each label by the id it names."""

    def __init__(self, html: str):
        super().__init__()
        self.action: str | None = None
        self.method: str | None = None
        self.fields: dict[str, dict[str, str | None]] = {}
        self.labels: dict[str, str] = {}
        self._inside = False
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("role") == "search" and self.action is None:
            self._inside = True
            self.action, self.method = attributes.get("action"), attributes.get("method")
        elif self._inside and tag in ("input", "select") and attributes.get("name"):
            self.fields[attributes["name"] or ""] = attributes
        elif self._inside and tag == "label":
            self._label = attributes.get("for")
            self.labels[self._label or ""] = ""

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "form":
            self._inside = False

    def submit(self, client: Client, **typed: str):
        """A GET of the form as a browser sends it: every named field, with what was typed."""
        assert self.action and (self.method or "get").lower() == "get"
        data = {name: field.get("value") or "" for name, field in self.fields.items()}
        assert set(typed) <= set(data), f"the form has no field {set(typed) - set(data)}"
        return client.get(self.action, {**data, **typed})


def test_it_sends_the_where_box_of_the_home_page_to_the_list(client, around_lyon):
    form = SearchForm(client.get("/fr/").content.decode())
    assert form.action == "/fr/jobs/"
    where = form.fields["where"]
    # Labelled and suggested as on the list page.
    assert form.labels[where["id"] or ""].strip() == "Où"
    assert form.labels[form.fields["q"]["id"] or ""].strip() == "Mots-clés"
    assert where["placeholder"] == "Ville" and where["data-suggest"] == "/api/v1/cities"
    assert where["autocomplete"] == "off" and where["maxlength"] == "100"
    assert "radius" not in form.fields, "the list applies 25 km"
    html = form.submit(client, where="Lyon").content.decode()
    assert titles(html) == {"Soudeur Lyon", "Soudeur Villeurbanne", "Télétravail Villeurbanne"}
    assert re.search(r"À moins de 25(\xa0| )km de Lyon", html)
    html = form.submit(client, q="soudeur", where="lyon").content.decode()
    assert titles(html) == {"Soudeur Lyon", "Soudeur Villeurbanne"}
    # Nothing typed: every job, as the keywords box alone did.
    assert len(titles(form.submit(client).content.decode())) == 9


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Nous ne connaissons pas de ville nommée"),
        ("de", "Wir kennen keinen Ort namens"),
        ("pl", "Nie znamy miejscowości o nazwie"),
    ],
)
def test_it_says_on_the_list_that_it_knows_no_city_typed_on_the_home_page(
    client, language, message
):
    factories.live_posting(language=language, title="Job A", country="FR", city="Lyon")
    form = SearchForm(client.get(f"/{language}/").content.decode())
    response = form.submit(client, where="Xyzzyville")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="field-error" id="where-error">{message}' in html
    assert 'name="where" maxlength="100" value="Xyzzyville"' in html, "kept to correct"
    assert titles(html) == {"Job A"}


def test_it_saves_the_where_in_an_alert_and_matches_by_distance(client, mailbox):
    response = subscribe(client, "a@example.org", language="fr", query="where=lyon&radius=10")
    assert response.status_code in (200, 302)
    assert Alert.objects.get().query == "where=lyon&radius=10"
    alert = confirmed_alert("b@example.org", language="fr", query="where=Lyon&radius=10")
    new_posting(language="fr", title="Soudeur Villeurbanne", country="FR", city="Villeurbanne")
    new_posting(language="fr", title="Soudeur Grenoble", country="FR", city="Grenoble")
    assert sweep() == 1
    (mail,) = [m for m in mailbox.messages if m["To"] == alert.subscriber.email]
    assert "Soudeur Villeurbanne" in text(mail)
    assert "Soudeur Grenoble" not in text(mail)


def test_it_filters_the_api_by_where_and_radius(client, around_lyon):
    response = client.get("/api/v1/postings?language=fr&where=Lyon&radius=10")
    assert {item["title"] for item in response.json()["items"]} == {
        "Soudeur Lyon",
        "Soudeur Villeurbanne",
        "Télétravail Villeurbanne",
    }
    facets = client.get("/api/v1/facets?language=fr&where=Lyon&remote=remote").json()
    assert facets["total"] == 2
    response = client.get("/api/v1/postings?language=fr&where=Xyzzyville")
    assert response.status_code == 422
    assert "where" in response.json()["detail"]


def test_it_suggests_cities_as_the_seeker_types(client, django_assert_max_num_queries):
    response = client.get("/api/v1/cities?q=lyo&language=fr")
    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"]
    cities = response.json()
    assert cities[0] == {"value": "Lyon", "name": "Lyon", "country": "FR", "country_name": "France"}
    assert len(cities) <= 10
    # Accents as typed, else the city's own name; the country in the asked language.
    assert client.get("/api/v1/cities?q=zur").json()[0]["name"] == "Zurich"
    assert client.get("/api/v1/cities?q=zür").json()[0]["name"] == "Zürich"
    names = [city["name"] for city in client.get("/api/v1/cities?q=genè").json()]
    assert names[:2] == ["Genès", "Genève"], "Genoa, then Geneva, named as typed"
    de = client.get("/api/v1/cities?q=genf&language=de").json()[0]
    assert (de["name"], de["country_name"]) == ("Genf", "Schweiz")
    # Cached: the next time, no query but the folding of the text.
    with django_assert_max_num_queries(1):
        client.get("/api/v1/cities?q=lyo&language=fr")
    # LIKE's wildcards are text, nothing is too short, too long is refused.
    assert client.get("/api/v1/cities?q=%25%25").json() == []
    assert client.get("/api/v1/cities?q=_y").json() == []
    assert client.get("/api/v1/cities?q=l").json() == []
    assert client.get(f"/api/v1/cities?q={'a' * 101}").status_code == 422


def test_it_names_ambiguous_suggestions_with_their_country(client):
    values = [city["value"] for city in client.get("/api/v1/cities?q=valencia").json()]
    assert "Valencia" in values or "Valencia, ES" in values
    assert len(values) == len(set(values))


def test_it_keeps_the_list_working_without_javascript_for_a_typed_city():
    """The where box is a plain field of the search form: a GET with the typed name works."""
    factories.live_posting(language="en", title="Welder Leeds", country="GB", city="Leeds")
    html = Client().get("/en/jobs/", {"q": "", "where": "leeds", "radius": "25"}).content.decode()
    assert titles(html) == {"Welder Leeds"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_the_cities_through_a_transactional_tests_flush():
    """Reference data that only migrations write: the flush after each transactional test must
    neither empty it nor make the serialized rollback carry its rows."""
    # As TransactionTestCase flushes between tests that roll back by serialized contents.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert City.objects.count() > 60_000
    posting = factories.live_posting(language="fr", country="FR", city="Lyon")
    assert point(posting) == LYON


def test_it_answers_any_where_or_suggestion_text_without_an_error(client):
    factories.live_posting(language="fr", title="Soudeur Lyon", country="FR", city="Lyon")
    # A NUL byte, which PostgreSQL's text cannot hold; LIKE's wildcards; a very long text.
    for q in ("ly\x00on", "%", "%%", "_y", "l_on", "\\", "é" * 100, "a" * 10_000):
        response = client.get("/api/v1/cities", {"q": q})
        assert response.status_code in (200, 422), q
        if response.status_code == 200:
            assert response.json() == [], q
    # Each is reported (too long, or not a city) and filters nothing.
    for where in ("ly\x00on", "%", "Ly_n", "' OR 1=1 --", "a" * 10_000):
        response = client.get("/fr/jobs/", {"where": where})
        assert response.status_code == 200, where
        assert 'aria-invalid="true"' in response.content.decode(), where
    for where in ("ly\x00on", "%", "Ly_n"):
        response = client.get("/api/v1/postings", {"language": "fr", "where": where})
        assert response.status_code == 422, where
    # A radius outside the four is reported, not used.
    html = client.get("/fr/jobs/", {"where": "Lyon", "radius": "20000"}).content.decode()
    assert "Soudeur Lyon" in html
    assert client.get("/api/v1/postings", {"where": "Lyon", "radius": 20000}).status_code == 422
