"""The job seeker's pages on a phone and a desktop, in Chromium: what is on the first screen,
filters with and without JavaScript, accessibility, and the screenshots CI keeps."""

import os
import re
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, assert_accessible, pytestmark  # noqa: F401

# Written by these tests, kept by CI as an artifact; git ignores it.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = {"phone": PHONE, "desktop": DESKTOP}

DESCRIPTION = {
    "fr": (
        "Notre équipe de {city} construit les outils que nos clients utilisent chaque jour.\n\n"
        "Vous rejoignez une équipe de huit personnes, avec des revues de code, des journées "
        "sans réunion et un budget de formation."
    ),
    "de": (
        "Unser Team in {city} baut die Werkzeuge, die unsere Kunden jeden Tag nutzen.\n\n"
        "Sie arbeiten in einem Team von acht Personen, mit Code-Reviews, Tagen ohne Meetings "
        "und einem Weiterbildungsbudget."
    ),
    "pl": (
        "Nasz zespół w {city} tworzy narzędzia, z których klienci korzystają codziennie.\n\n"
        "Dołączysz do ośmioosobowego zespołu: przeglądy kodu, dni bez spotkań i budżet "
        "szkoleniowy."
    ),
}
TASKS = {
    "fr": "- Concevoir de nouvelles fonctionnalités\n- Relire le code\n- Améliorer les tests",
    "de": "- Neue Funktionen entwerfen\n- Code prüfen\n- Tests verbessern",
    "pl": "- Projektowanie nowych funkcji\n- Przeglądy kodu\n- Ulepszanie testów",
}
JOBS = {
    "fr": [
        ("Développeuse Python senior", "Lyon", "FR", "Fromagerie Dubois"),
        ("Chef de projet digital", "Paris", "FR", "Banque Lumière"),
        ("Comptable fournisseurs", "Liège", "BE", "Brasserie Meuse"),
        ("Ingénieur réseau", "Genève", "CH", "Alpes Télécom"),
        ("Commercial terrain", "Namur", "BE", "Brasserie Meuse"),
        ("Designer produit", "Nantes", "FR", "Atelier Nord"),
    ],
    "de": [
        ("Softwareentwicklerin Java", "Köln", "DE", "Rheinwerk AG"),
        ("Buchhalter (m/w/d)", "Graz", "AT", "Steiermark Bau"),
        ("Teamleitung Vertrieb", "Zürich", "CH", "Helvetia Handel"),
        ("Fachkraft für Lagerlogistik", "Hamburg", "DE", "Hafenlogistik GmbH"),
        ("Produktdesignerin", "Berlin", "DE", "Spreewerk"),
        ("Systemadministrator", "Wien", "AT", "Donau IT"),
    ],
    "pl": [
        ("Programista Python", "Kraków", "PL", "Wisła Software"),
        ("Księgowa", "Warszawa", "PL", "Mazowsze Finanse"),
        ("Specjalista ds. sprzedaży", "Gdańsk", "PL", "Bałtyk Handel"),
        ("Inżynier sieci", "Wrocław", "PL", "Odra Telekom"),
        ("Projektantka UX", "Poznań", "PL", "Warta Design"),
        ("Administrator systemów", "Łódź", "PL", "Łódź Cloud"),
    ],
}
REMOTE = ["remote", "hybrid", "onsite"]
TYPES = ["full_time", "contract", "part_time", "freelance"]
CATEGORIES = ["software-engineering", "finance", "sales", "infrastructure", "design"]


@pytest.fixture
def board(django_db_serialized_rollback, transactional_db, settings) -> dict:
    """Three times six jobs per language, on three pages."""
    settings.POSTINGS_PER_PAGE = 6
    now = timezone.now()
    first: dict[str, Any] = {}
    for language, jobs in JOBS.items():
        for round_ in range(3):
            for n, (title, city, country, company) in enumerate(jobs):
                index = round_ * len(jobs) + n
                posting = factories.live_posting(
                    language=language,
                    title=title,
                    city=city,
                    country=country,
                    company=factories.company(company),
                    category=factories.category(CATEGORIES[index % len(CATEGORIES)]),
                    remote=REMOTE[index % 3],
                    employment_type=TYPES[index % 4],
                    salary_min=40000 + 1000 * index if index % 2 == 0 else None,
                    salary_max=55000 + 1000 * index if index % 2 == 0 else None,
                    salary_currency="PLN" if language == "pl" else "EUR",
                    salary_period="year",
                    published_at=now - timedelta(hours=3 + 20 * index),
                    description=DESCRIPTION[language].format(city=city),
                    responsibilities=TASKS[language],
                    requirements=TASKS[language],
                    apply_url="https://jobs.example/apply",
                )
                first.setdefault(language, posting)
    first["expired"] = factories.expired_posting(language="fr", title="Boulanger à Dinant")
    return first


@pytest.fixture
def browser(live_server):
    # As in test_browser.py: Playwright's loop runs in this thread, the data is made before.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@contextmanager
def visit(browser, viewport: dict, *, javascript: bool = True, scheme: str = "light", gone=()):
    """A page of a fresh context at this size; no console error may appear while it is used,
    but the browser's report of a `gone` address answering 404 or 410 when the test expects it."""
    context = browser.new_context(
        viewport=viewport,
        java_script_enabled=javascript,
        color_scheme=scheme,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    errors = []

    def on_console(message) -> None:
        if message.type != "error" or getattr(message.page, "auditing", False):
            return
        url = message.location["url"]
        if re.search(r"status of 4(04|10)", message.text) and url.endswith(tuple(gone)):
            return
        errors.append(message.text)

    context.on("console", on_console)
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context.new_page()
    context.close()
    assert not errors, f"the browser's console has errors: {errors}"


def shoot(page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    # Nothing sticks out sideways: a phone would zoom the page out to show it.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("language", ["fr", "de", "pl"])
def test_it_shows_the_first_job_on_the_first_screen_of_a_phone(
    board, live_server, browser, language
):
    with visit(browser, PHONE) as page:
        page.goto(f"{live_server.url}/{language}/jobs/")
        shoot(page, f"list-phone-{language}")
        card = page.locator(".posting-card").first
        expect(card).to_be_visible()
        assert card.bounding_box()["y"] < PHONE["height"]
        # The filters wait behind their button; the alert is offered before the results.
        expect(page.locator("form.filters")).to_be_hidden()
        alert = page.locator(".alert-cta")
        assert alert.bounding_box()["y"] < card.bounding_box()["y"]


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["fr", "de", "pl"])
def test_it_shows_apply_and_the_key_facts_on_the_first_screen_of_a_posting(
    board, live_server, browser, language, size
):
    viewport = SIZES[size]
    with visit(browser, viewport) as page:
        page.goto(live_server.url + board[language].get_absolute_url())
        shoot(page, f"posting-{size}-{language}")
        apply = page.locator(
            ".apply-bar .button" if size == "phone" else ".key-facts .button-apply"
        )
        expect(apply).to_be_visible()
        box = apply.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
        facts = page.locator(".key-facts").bounding_box()
        text = page.locator("#introduction").bounding_box()
        if size == "desktop":
            assert facts["x"] > text["x"] + text["width"], "the key facts stand beside the text"
        else:
            assert facts["y"] < text["y"], "the key facts come before the text"
        # Plain text became a list.
        expect(page.locator("section[aria-labelledby=responsibilities] li")).to_have_count(3)
        shoot(page, f"posting-{size}-{language}-whole", full_page=True)


@pytest.mark.parametrize("language", ["fr", "de", "pl"])
def test_it_has_no_accessibility_violation_on_the_job_seekers_pages(
    board, live_server, browser, language
):
    word = JOBS[language][0][0].split()[0]
    pages = {
        "home": f"/{language}/",
        "list": f"/{language}/jobs/?page=2",
        "search": f"/{language}/jobs/?q={word}",
        "posting": board[language].get_absolute_url(),
        "alerts": f"/{language}/alerts/new/?q={word}",
        "saved": f"/{language}/saved/",
    }
    for size, viewport in SIZES.items():
        with visit(browser, viewport, gone=(f"/api/v1/postings/{board['expired'].pk}",)) as page:
            for name, path in pages.items():
                page.goto(live_server.url + path)
                assert_accessible(page)
                if name != "posting":
                    shoot(page, f"{name}-{size}-{language}")
            # The alert form as it comes back with an error, and saved jobs, one expired.
            page.goto(live_server.url + pages["alerts"])
            # Valid for the browser's own check, not for the server's (no top-level domain).
            page.fill("input[name=email]", "someone@example")
            page.locator("main form[method=post] button[type=submit]").click()
            expect(page.locator("[aria-invalid=true]")).to_have_count(1)
            assert_accessible(page)
            shoot(page, f"alerts-error-{size}-{language}")
            page.evaluate(
                """(jobs) => localStorage.setItem("jobboard.saved", JSON.stringify(jobs))""",
                [
                    {"id": str(job.pk), "title": job.title, "url": job.get_absolute_url()}
                    for job in (board[language], board["expired"])
                ],
            )
            page.goto(live_server.url + pages["saved"])
            expect(page.locator(".saved-job.expired")).to_have_count(1)
            assert_accessible(page)
            shoot(page, f"saved-jobs-{size}-{language}")
    with visit(browser, DESKTOP, scheme="dark") as page:
        page.goto(f"{live_server.url}/{language}/jobs/")
        assert_accessible(page)
        shoot(page, f"list-desktop-dark-{language}")


def test_it_applies_filters_on_change_and_removes_them_as_chips(board, live_server, browser):
    with visit(browser, DESKTOP) as page:
        page.goto(f"{live_server.url}/de/jobs/")
        page.select_option("select[name=country]", "AT")
        page.wait_for_url("**/de/jobs/?**country=AT**")
        page.check("input[type=radio][name=remote][value=hybrid]")
        page.wait_for_url("**remote=hybrid**")
        cities = page.locator(".posting-card .location").all_inner_texts()
        assert cities and all(city.endswith("Österreich") for city in cities)
        chips = page.locator(".chips .chip")
        expect(chips).to_have_count(2)
        chips.filter(has_text="Österreich").click()
        page.wait_for_url(lambda url: "country=" not in url and "remote=hybrid" in url)
        expect(page.locator(".chips .chip")).to_have_count(1)

    with visit(browser, PHONE) as page:
        page.goto(f"{live_server.url}/de/jobs/")
        page.get_by_text("Filter (0)").click()
        expect(page.locator("form.filters")).to_be_visible()
        shoot(page, "filters-phone-de")
        page.get_by_role("button", name="Schließen").click()
        expect(page.locator("form.filters")).to_be_hidden()
        page.get_by_text("Filter (0)").click()
        page.select_option("select[name=category]", "finance")
        page.wait_for_url("**category=finance**")
        expect(page.get_by_text("Filter (1)")).to_be_visible()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_it_filters_without_javascript(board, live_server, browser, size):
    with visit(browser, SIZES[size], javascript=False) as page:
        page.goto(f"{live_server.url}/pl/jobs/")
        # A star that only a script could keep is not offered without one.
        expect(page.locator("button.save").first).to_be_hidden()
        if size == "phone":
            page.get_by_text("Filtry (0)").click()
        page.select_option("select[name=category]", "finance")
        page.get_by_role("button", name="Filtruj").click()
        page.wait_for_url("**/pl/jobs/?**category=finance**")
        titles = page.locator(".posting-card h3").all_inner_texts()
        assert titles and set(titles) <= {title for title, *_ in JOBS["pl"]}
        assert len(titles) == len([i for i in range(18) if CATEGORIES[i % 5] == "finance"])
        page.locator(".chips .chip").first.click()
        page.wait_for_url(lambda url: "category=" not in url)


def test_it_says_what_to_loosen_when_nothing_matches(board, live_server, browser):
    with visit(browser, PHONE) as page:
        page.goto(f"{live_server.url}/fr/jobs/?q=astronaute&country=CH")
        empty = page.locator(".empty")
        expect(empty).to_contain_text("Essayez de retirer un filtre")
        expect(empty.locator(".chip")).to_have_count(2)
        assert_accessible(page)
        shoot(page, "empty-phone-fr")
        empty.locator(".chip").filter(has_text="astronaute").click()
        expect(page.locator(".posting-card").first).to_be_visible()


def test_it_goes_back_to_the_results_with_the_search_kept(board, live_server, browser):
    with visit(browser, DESKTOP) as page:
        page.goto(f"{live_server.url}/fr/jobs/?country=BE&page=1")
        page.locator(".posting-card h3 a").first.click()
        page.get_by_role("link", name="Retour aux résultats").click()
        page.wait_for_url("**/fr/jobs/?country=BE&page=1")


def test_it_keeps_saved_jobs_in_the_browser_and_says_which_have_expired(
    board, live_server, browser
):
    expired = board["expired"]
    gone = (f"/api/v1/postings/{expired.pk}", "/api/v1/postings/999999")
    with visit(browser, PHONE, gone=gone) as page:
        page.goto(f"{live_server.url}/fr/jobs/")
        star = page.get_by_role("button", name="Sauvegarder cette offre: Commercial terrain").first
        star.click()
        expect(star).to_have_attribute("aria-pressed", "true")
        # A job saved last month, gone since.
        page.evaluate(
            """([id, url]) => {
                const saved = JSON.parse(localStorage.getItem("jobboard.saved"));
                saved.push({id: String(id), title: "Boulanger à Dinant", url, language: "fr"});
                // Storage is the visitor's to edit: a link there must not become a script.
                saved.push({id: "999999", title: "Piège", url: "javascript:alert(1)"});
                localStorage.setItem("jobboard.saved", JSON.stringify(saved));
            }""",
            [expired.pk, expired.get_absolute_url()],
        )
        page.reload()
        expect(star).to_have_attribute("aria-pressed", "true")
        page.get_by_role("link", name="Offres sauvegardées").click()
        jobs = page.locator(".saved-job")
        expect(jobs).to_have_count(3)
        expect(jobs.nth(2)).to_contain_text("Cette offre a expiré")
        assert jobs.nth(2).get_by_text("Piège").get_attribute("href") is None
        jobs.nth(2).get_by_role("button", name="Retirer").click()
        expect(jobs).to_have_count(2)
        expect(jobs.first).to_contain_text("Brasserie Meuse · Namur")
        expect(jobs.nth(1)).to_contain_text("Cette offre a expiré ou a été pourvue.")
        assert_accessible(page)
        shoot(page, "saved-phone-fr")
        jobs.nth(1).get_by_role("button", name="Retirer").click()
        expect(jobs).to_have_count(1)
        jobs.first.get_by_role("link").click()
        expect(page.locator("h1")).to_have_text("Commercial terrain")
        expect(page.locator(".key-facts .save")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("javascript", [True, False])
def test_it_shares_a_posting_by_links_and_copies_its_address(
    board, live_server, browser, javascript
):
    posting = board["de"]
    with visit(browser, DESKTOP, javascript=javascript) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(live_server.url + posting.get_absolute_url())
        share = page.locator(".share")
        for name in ("E-Mail", "LinkedIn", "X"):
            expect(share.get_by_role("link", name=name, exact=True)).to_be_visible()
        # This Chromium has no share sheet of its own: the copy button stands in.
        expect(share.get_by_role("button", name="Teilen", exact=True)).to_be_hidden()
        copy = share.get_by_role("button", name="Link kopieren")
        if not javascript:
            expect(copy).to_be_hidden()
            return
        copy.click()
        expect(share.get_by_role("status")).to_have_text("Link kopiert")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.endswith(posting.get_absolute_url()) and copied.startswith("http")
        shoot(page, "posting-share-desktop-de")


def test_it_opens_the_share_sheet_of_a_browser_that_has_one(board, live_server, browser):
    with visit(browser, PHONE) as page:
        # A phone's browser: navigator.share opens the system's sheet, here recorded.
        page.add_init_script(
            "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
        )
        page.goto(live_server.url + board["pl"].get_absolute_url())
        share = page.locator(".share")
        expect(share.get_by_role("link", name="LinkedIn")).to_be_hidden()
        share.get_by_role("button", name="Udostępnij", exact=True).click()
        shared = page.evaluate("window.shared")
        assert shared["title"] == board["pl"].title
        assert shared["url"].endswith(board["pl"].get_absolute_url())
        assert_accessible(page)
        shoot(page, "posting-share-phone-pl")
