"""The site as an installable web app: a manifest per language."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_it_describes_the_site_in_the_visitor_language(client):
    html = client.get("/fr/").content.decode()
    head = html.split("</head>")[0]
    assert '<link rel="manifest" href="/fr/manifest.webmanifest">' in head

    response = client.get("/fr/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["lang"] == "fr"
    assert manifest["name"] == "Site d'emploi"
    assert manifest["start_url"] == "/fr/"
    icon = manifest["icons"][0]
    assert icon["type"] == "image/svg+xml"
    assert icon["src"] == static("favicon.svg")

    assert client.get("/pl/manifest.webmanifest").json()["start_url"] == "/pl/"


def test_it_offers_png_icons_for_browsers_that_install_no_svg_icon(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    head = client.get("/de/").content.decode().split("</head>")[0]
    assert f'<link rel="apple-touch-icon" href="{static("icon-192.png")}">' in head
    icons = client.get("/de/manifest.webmanifest").json()["icons"]
    pngs = [icon for icon in icons if icon["type"] == "image/png"]
    assert [icon["sizes"] for icon in pngs] == ["192x192", "512x512"]
    for icon in pngs:
        assert icon["src"] == static(f"icon-{icon['sizes'].split('x')[0]}.png")
        path = finders.find(icon["src"].removeprefix(static("")))
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
