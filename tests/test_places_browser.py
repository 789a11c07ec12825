"""The where box in Chromium: suggestions as the seeker types, and a search around a city with
and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import pytestmark  # noqa: F401
from tests.test_site_browser import (  # noqa: F401
    DESKTOP,
    PHONE,
    SIZES,
    board,
    browser,
    shoot,
    visit,
)


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


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_it_suggests_cities_in_the_where_box_of_the_home_page(
    board,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    size,
):
    viewport = SIZES[size]
    with visit(browser, viewport) as page:
        page.goto(f"{live_server.url}/fr/")
        keywords = page.get_by_label("Mots-clés", exact=True)
        where = page.get_by_label("Où", exact=True)
        button = page.locator(".hero form button[type=submit]")
        shoot(page, f"home-where-{size}-fr")
        # The whole search on the first screen, the where box beside the keywords on a desktop,
        # under them on a phone, each as wide as the other.
        boxes = [keywords.bounding_box(), where.bounding_box(), button.bounding_box()]
        assert all(box["y"] + box["height"] <= viewport["height"] for box in boxes)
        if size == "desktop":
            assert len({round(box["y"] + box["height"] / 2) for box in boxes}) == 1, "one row"
            assert abs(boxes[0]["width"] - boxes[1]["width"]) < 2
        else:
            assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
            assert boxes[0]["width"] == boxes[1]["width"] > viewport["width"] * 0.7
        where.fill("Lyo")
        suggestion = page.locator("datalist#home-where-suggestions option").first
        expect(suggestion).to_have_attribute("value", "Lyon")
        expect(suggestion).to_have_text("Lyon, France")
        where.fill(suggestion.get_attribute("value") or "")  # as picked
        button.click()
        page.wait_for_url(re.compile(r"/fr/jobs/\?(.*&)?where=Lyon(&|$)"))
        places = page.locator(".posting-card .location").all_inner_texts()
        assert places and all(place == "Lyon, France" for place in places)
        expect(page.locator(".chips .chip").first).to_contain_text(
            re.compile(r"À moins de 25\s?km de Lyon")
        )
        expect(page.locator("#id_where")).to_have_value("Lyon")
        expect(page.locator("#id_radius")).to_have_value("25")
        shoot(page, f"home-where-list-{size}-fr")
