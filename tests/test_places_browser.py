"""The where box in Chromium: suggestions as the seeker types, and a search around a city with
and without JavaScript."""

from playwright.sync_api import expect

from tests.test_browser import pytestmark  # noqa: F401
from tests.test_site_browser import DESKTOP, PHONE, board, browser, shoot, visit  # noqa: F401


def test_it_suggests_cities_and_searches_around_one(board, live_server, browser):  # noqa: F811
    with visit(browser, DESKTOP) as page:
        page.goto(f"{live_server.url}/de/jobs/")
        page.fill("input[name=where]", "zür")
        suggestion = page.locator("datalist#id_where-suggestions option").first
        expect(suggestion).to_have_attribute("value", "Zürich")
        expect(suggestion).to_have_text("Zürich, Schweiz")
        page.fill("input[name=where]", suggestion.get_attribute("value") or "")  # as picked
        page.select_option("select[name=radius]", "10")
        page.locator("form.searchbar button[type=submit]").click()
        page.wait_for_url("**where=Z%C3%BCrich**radius=10**")
        places = page.locator(".posting-card .location").all_inner_texts()
        assert places and all(place == "Zürich, Schweiz" for place in places)
        expect(page.locator(".chips .chip").first).to_contain_text("Im Umkreis von 10 km um Zürich")
        shoot(page, "where-desktop-de")


def test_it_searches_around_a_city_without_javascript(board, live_server, browser):  # noqa: F811
    with visit(browser, PHONE, javascript=False) as page:
        page.goto(f"{live_server.url}/de/jobs/")
        page.fill("input[name=where]", "wien")
        page.locator("form.searchbar button[type=submit]").click()
        page.wait_for_url("**where=wien**")
        places = page.locator(".posting-card .location").all_inner_texts()
        assert places and all(place == "Wien, Österreich" for place in places)
        page.fill("input[name=where]", "Atlantisstadt")
        page.locator("form.searchbar button[type=submit]").click()
        expect(page.locator("#where-error")).to_contain_text("Wir kennen keinen Ort namens")
        shoot(page, "where-unknown-phone-de")
