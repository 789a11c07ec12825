"""The pages people use, in a real browser: Playwright driving Debian's Chromium."""

import os
import shutil

import pytest

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    # CI installs Chromium and must run this test; elsewhere it is skipped when absent.
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"),
        reason=f"{CHROMIUM} is not installed (apt-get install chromium)",
    ),
]


@pytest.fixture
def page(live_server):
    # Playwright's sync API runs an event loop in this thread, and Django's connections are
    # context-local: create test data before this fixture, or it lands on a connection of its own.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR")
        yield page
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def french_and_german_postings(django_db_serialized_rollback, transactional_db):
    factories.live_posting(language="fr", country="FR", title="Développeur Python à Lyon")
    factories.live_posting(language="fr", country="BE", title="Développeuse Java à Liège")
    factories.live_posting(language="fr", country="BE", title="Comptable à Namur")
    factories.live_posting(language="de", country="DE", title="Entwicklerin in Köln")
    factories.live_posting(language="de", country="AT", title="Buchhalter in Graz")


def test_it_filters_french_jobs_by_country_then_switches_to_german(
    french_and_german_postings, live_server, page
):

    page.goto(f"{live_server.url}/fr/jobs/")
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Belgique (2)", "France (1)"]

    page.select_option("select[name=country]", "BE")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/fr/jobs/?**country=BE**")
    titles = page.locator(".posting-card h3").all_inner_texts()
    assert sorted(titles) == ["Comptable à Namur", "Développeuse Java à Liège"]

    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url("**/de/jobs/**")
    assert page.locator("html").get_attribute("lang") == "de"
    # The German country list; Belgium stays visible (at 0) because it is still selected.
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Belgien (0)", "Deutschland (1)", "Österreich (1)"]
    # No German posting is in Belgium: the kept filter finds nothing, and says so.
    assert page.locator(".posting-card").count() == 0
    page.get_by_role("link", name="Filter zurücksetzen").first.click()
    titles = page.locator(".posting-card h3").all_inner_texts()
    assert sorted(titles) == ["Buchhalter in Graz", "Entwicklerin in Köln"]


@pytest.fixture
def fromagerie_recruiter_and_moderator(django_db_serialized_rollback, transactional_db):
    company = factories.company("Fromagerie Dubois")
    factories.recruiter(company, "claire@dubois.example", language="fr")
    factories.moderator("marc@moderation.example", language="fr")
    factories.live_posting(language="fr", country="FR", title="Boulanger à Lyon")
    # Belgium has a live job in German only: not a French country yet.
    factories.live_posting(language="de", country="BE", title="Käser in Eupen")


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_recruiters_french_posting_goes_online_once_a_moderator_approves_it(
    fromagerie_recruiter_and_moderator, live_server, page
):
    title = "Affineur de fromages à Liège"
    french_countries = page.locator("select[name=country] option:not([value=''])")

    page.goto(f"{live_server.url}/fr/jobs/")
    assert french_countries.all_inner_texts() == ["France (1)"]

    # The recruiter writes the posting and saves it as a draft.
    _log_in(page, live_server, "claire@dubois.example")
    page.goto(f"{live_server.url}/admin/postings/posting/add/")
    page.select_option("select[name=language]", "fr")
    page.fill("input[name=title]", title)
    # Her only company is chosen for her.
    assert page.locator("select[name=company] option:checked").inner_text() == "Fromagerie Dubois"
    page.select_option("select[name=country]", "BE")
    page.fill("input[name=city]", "Liège")
    page.fill(
        "textarea[name=description]",
        "<p>Notre fromagerie familiale cherche un affineur pour ses caves de Liège. Vous "
        "soignez chaque jour nos meules, vous surveillez leur croûte et leur humidité, et "
        "vous décidez avec nous du moment où elles sont prêtes à être vendues.</p>",
    )
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/admin/postings/posting/*/change/")
    assert page.locator(".errornote").count() == 0

    # The preview opens in a new tab, as the public page will show the posting.
    with page.context.expect_page() as new_page_info:
        page.locator("a[href$='/preview/']").first.click()
    preview = new_page_info.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == title
    assert preview.locator(".preview-banner").is_visible()
    assert preview.locator("html").get_attribute("lang") == "fr"
    preview.close()

    change_url = page.url
    page.locator("input[name=_submit]").click()
    page.wait_for_url(change_url)
    assert page.locator(".messagelist .success").count() == 1
    assert page.locator("input[name=_submit]").count() == 0  # pending: nothing more to submit

    # The moderator finds it in the queue and approves it.
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")
    _log_in(page, live_server, "marc@moderation.example")
    page.goto(f"{live_server.url}/admin/postings/postingforreview/")
    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/admin/postings/postingforreview/*/change/")
    assert page.locator("article.review h2").inner_text() == title
    page.locator("input[name=_approve]").click()
    page.wait_for_url(f"{live_server.url}/admin/postings/postingforreview/")
    assert page.locator(".messagelist .success").count() == 1
    assert page.get_by_role("link", name=title).count() == 0

    # Online in French, with Belgium now in the French country list; not in German.
    page.goto(f"{live_server.url}/fr/jobs/")
    assert title in page.locator(".posting-card h3").all_inner_texts()
    assert french_countries.all_inner_texts() == ["Belgique (1)", "France (1)"]
    page.goto(f"{live_server.url}/de/jobs/")
    assert page.locator(".posting-card h3").all_inner_texts() == ["Käser in Eupen"]
