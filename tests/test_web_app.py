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
