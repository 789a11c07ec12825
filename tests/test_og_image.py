"""The picture that link previews (Open Graph, Twitter cards) show for a posting."""

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageChops

from postings import og_image
from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db


def meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def image_path(client, posting: Posting) -> str:
    """The og:image of the posting's page, as a path for the test client."""
    url = meta(client.get(posting.get_absolute_url()).content.decode(), "og:image")
    assert url and url.startswith(settings.SITE_URL + "/")
    return url.removeprefix(settings.SITE_URL)


def picture(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_it_shares_a_picture_of_the_posting_in_link_previews(client):
    posting = factories.live_posting(
        language="pl", country="PL", city="Łódź", title="Księgowa", company=factories.company("Żuk")
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    url = f"{settings.SITE_URL}/pl/jobs/{posting.pk}/image.png"
    assert meta(html, "og:image") == url
    assert meta(html, "twitter:image") == url
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "og:image:type") == "image/png"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
    assert meta(html, "og:image:alt") == "Księgowa · Żuk"

    response = client.get(image_path(client, posting))
    assert picture(response).size == (1200, 630)
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["ETag"] and response["Last-Modified"]


def test_it_draws_the_title_in_its_box_even_when_too_long_for_three_lines(client):
    posting = factories.live_posting(
        language="de",
        country="AT",
        title="Leitung der Abteilung für Qualitätssicherung und Prüfmittelüberwachung " * 2,
    )
    drawn = picture(client.get(image_path(client, posting)))
    untitled = og_image.render(replace(og_image.card_for(posting), title=""))
    difference = ImageChops.difference(drawn, Image.open(io.BytesIO(untitled)).convert("RGB"))
    # The palette follows the colours drawn, so shades elsewhere move by a few levels.
    box = difference.convert("L").point(lambda level: 255 if level > 48 else 0).getbbox()
    assert box is not None, "the title is not drawn"
    left, top, right, bottom = og_image.TITLE_AREA
    assert box[0] >= left and box[1] >= top and box[2] <= right and box[3] <= bottom, box


def test_it_has_the_glyphs_of_every_language_it_serves():
    card = og_image.Card(title="", company="", location="", salary="", site="")
    letters = "ąęłńśźż ÄÖÜß ãõçñ èàù"
    missing = "\u0378" * len(letters)  # an unassigned code point: every font draws its box
    assert og_image.render(replace(card, title=letters)) != og_image.render(
        replace(card, title=missing)
    )


def test_it_writes_place_and_salary_in_the_postings_language_as_its_page_does(client):
    posting = factories.live_posting(
        language="fr",
        country="DE",
        city="Berlin",
        salary_min=45000,
        salary_max=60000,
        salary_currency="EUR",
        salary_period="year",
    )
    card = og_image.card_for(posting)
    assert card.location == "Berlin, Allemagne"
    html = client.get(posting.get_absolute_url()).content.decode()
    assert f'<dd class="salary">{card.salary}</dd>' in html
    assert card.site == "Site d'emploi"


def test_it_draws_each_posting_and_each_edit_anew(client):
    first = factories.live_posting(language="en", title="Welder")
    second = factories.live_posting(language="en", title="Plumber", company=first.company)
    one = client.get(image_path(client, first))
    assert one.content != client.get(image_path(client, second)).content

    first.title = "Senior welder"
    first.save()
    edited = client.get(image_path(client, first))
    assert edited.content != one.content
    assert edited["ETag"] != one["ETag"]

    again = client.get(image_path(client, first), HTTP_IF_NONE_MATCH=edited["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == edited["ETag"]
    stale = client.get(image_path(client, first), HTTP_IF_NONE_MATCH=one["ETag"])
    assert stale.status_code == 200


def test_it_shares_no_picture_of_a_posting_that_is_gone(client):
    expired = factories.live_posting(language="en")
    path = image_path(client, expired)
    Posting.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 410
    page = client.get(expired.get_absolute_url())
    assert page.status_code == 410
    assert meta(page.content.decode(), "og:image") is None

    closed = factories.closed_posting(language="en")
    assert client.get(closed.get_image_url()).status_code == 410


@pytest.mark.parametrize("factory", [factories.draft_posting, factories.scheduled_posting])
def test_it_shows_no_picture_of_a_posting_not_yet_public(client, factory):
    assert client.get(factory(language="en").get_image_url()).status_code == 404


def test_it_sends_the_picture_to_its_postings_language_and_knows_no_other(client):
    posting = factories.live_posting(language="it", country="IT")
    response = client.get(f"/de/jobs/{posting.pk}/image.png")
    assert response.status_code == 301
    assert response["Location"] == f"/it/jobs/{posting.pk}/image.png"
    assert client.get("/en/jobs/999999999/image.png").status_code == 404


def test_it_draws_a_picture_once_and_then_serves_it_from_the_cache(
    client, django_assert_num_queries, monkeypatch
):
    posting = factories.live_posting(language="es", country="ES", company=factories.company("Ñu"))
    path = posting.get_image_url()
    # Whether the posting is still live is asked every time: one query, the company joined.
    with django_assert_num_queries(1):
        drawn = client.get(path)

    def draw_again(card):
        raise AssertionError("drawn again instead of served from the cache")

    monkeypatch.setattr(og_image, "render", draw_again)
    with django_assert_num_queries(1):
        cached = client.get(path)
    assert cached.content == drawn.content
    with django_assert_num_queries(1):
        assert client.get(path, HTTP_IF_NONE_MATCH=drawn["ETag"]).status_code == 304


def test_it_lets_crawlers_fetch_the_picture(client):
    """Social networks' crawlers obey robots.txt: a disallowed picture is no preview."""
    path = factories.live_posting(language="en").get_image_url()
    robots = client.get("/robots.txt").content.decode()
    disallowed = [
        re.escape(line.split(":", 1)[1].strip()).replace(r"\*", ".*")
        for line in robots.splitlines()
        if line.startswith("Disallow:")
    ]
    assert disallowed, "the test reads the rules"
    assert not any(re.match(rule, path) for rule in disallowed)
    assert any(re.match(rule, "/en/jobs/1/apply/") for rule in disallowed)
