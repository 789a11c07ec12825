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
