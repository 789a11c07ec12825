"""What search engines, aggregators and feed readers read: feeds, sitemaps, robots.txt, markup."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def listed_links(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    return re.findall(r'<h3><a href="([^"]+)">', html)


@pytest.mark.parametrize("feed", ["feed/", "feed/atom/"])
def test_it_publishes_a_feed_with_the_postings_of_the_same_search(client, feed):
    sales = factories.category("sales")
    for n in range(6):
        factories.live_posting(
            language="fr", country="BE" if n % 2 else "FR", category=sales, title=f"Commercial {n}"
        )
    factories.live_posting(language="fr", country="BE", title="Comptable")
    factories.live_posting(language="de", country="BE", category=sales, title="Verkäufer")
    factories.expired_posting(language="fr", country="BE", category=sales, title="Ancien")
    query = "country=BE&category=sales"
    parsed = feedparser.parse(client.get(f"/fr/jobs/{feed}?{query}").content)
    assert not parsed.bozo
    links = [entry.link.removeprefix(settings.SITE_URL) for entry in parsed.entries]
    assert links == listed_links(client, f"/fr/jobs/?{query}")
    assert len(links) == 3
    assert all(entry.title.startswith("Commercial") for entry in parsed.entries)


def test_it_links_the_feed_of_the_current_search(client):
    factories.live_posting(language="de", country="AT")
    html = client.get("/de/jobs/?country=AT").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="/de/jobs/feed/?country=AT"' in html


def test_it_lists_each_live_posting_once_in_its_language_sitemap(client):
    french = factories.live_posting(language="fr", country="FR")
    german = factories.live_posting(language="de", country="CH")
    expired = factories.expired_posting(language="fr", country="FR")
    draft = factories.draft_posting(language="fr", country="FR")
    index = ET.fromstring(client.get("/sitemap.xml", HTTP_HOST="localhost").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert len(sections) == 2 * len(settings.LANGUAGES)
    assert all(section.startswith(settings.SITE_URL + "/sitemap-") for section in sections)
    found = {}
    for section in sections:
        path = section.removeprefix(settings.SITE_URL)
        root = ET.fromstring(client.get(path).content)
        for url in root.iter(f"{SITEMAP}url"):
            loc = url.find(f"{SITEMAP}loc").text
            found.setdefault(loc, []).append((path, url.findtext(f"{SITEMAP}lastmod")))
    site = settings.SITE_URL
    assert found[site + french.get_absolute_url()] == [
        ("/sitemap-postings-fr.xml", french.updated_at.date().isoformat())
    ]
    assert found[site + german.get_absolute_url()][0][0] == "/sitemap-postings-de.xml"
    assert site + expired.get_absolute_url() not in found
    assert not any(f"/jobs/{draft.pk}/" in loc for loc in found)
    assert site + "/pl/jobs/" in found


def test_it_points_crawlers_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def json_ld(client, posting: Posting) -> dict:
    html = client.get(posting.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, html
    return json.loads(match.group(1))


def test_it_describes_a_posting_with_the_properties_google_asks_for(client):
    posting = factories.live_posting(
        language="de",
        country="AT",
        city="Wien",
        title="Entwicklerin",
        external_id="A-1",
        source="ats",
        salary_min=50000,
        salary_max=65000,
        salary_currency="EUR",
        salary_period="year",
        employment_type="part_time",
    )
    data = json_ld(client, posting)
    for required in ("title", "description", "datePosted", "hiringOrganization", "jobLocation"):
        assert data[required]
    assert data["validThrough"] == posting.expires_at.isoformat()
    assert data["employmentType"] == "PART_TIME"
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "AT",
        "addressLocality": "Wien",
    }
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 50000,
            "maxValue": 65000,
            "unitText": "YEAR",
        },
    }
    assert data["identifier"]["value"] == "A-1"
    assert "jobLocationType" not in data


def test_it_marks_remote_postings_as_telecommute(client):
    posting = factories.live_posting(language="en", country="IE", remote="remote")
    data = json_ld(client, posting)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"]["name"] == "IE"
    assert "baseSalary" not in data


def test_it_drops_the_markup_once_a_posting_expires(client):
    posting = factories.live_posting(language="en")
    assert "application/ld+json" in client.get(posting.get_absolute_url()).content.decode()
    Posting.objects.filter(pk=posting.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "application/ld+json" not in html and "noindex" in html


def test_it_shares_a_posting_with_open_graph_tags(client):
    posting = factories.live_posting(
        language="fr", country="FR", city="Lyon", title="Soudeur", company=factories.company("Acme")
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Soudeur · Acme">' in html
    assert (
        f'<meta property="og:url" content="{settings.SITE_URL}{posting.get_absolute_url()}">'
        in html
    )
    assert '<meta property="og:description" content="Lyon, France · ' in html


def test_it_links_the_language_versions_of_home_and_list_pages(client):
    html = client.get("/it/").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'hreflang="{code}" href="{settings.SITE_URL}/{code}/"' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/it/">' in html
    filtered = client.get("/it/jobs/?country=IT").content.decode()
    assert "hreflang" not in filtered.split("</head>")[0]


def test_it_shows_the_company_logo_it_describes(client):
    company = factories.company("Acme")
    company.logo_url = "https://cdn.acme.example/logo.png"
    company.full_clean()
    company.save()
    posting = factories.live_posting(language="en", company=company)
    data = json_ld(client, posting)
    assert data["hiringOrganization"]["logo"] == "https://cdn.acme.example/logo.png"
    html = client.get(posting.get_absolute_url()).content.decode()
    assert '<img class="logo" src="https://cdn.acme.example/logo.png"' in html, "visible too"
    assert (
        f'<meta property="og:image" content="{settings.SITE_URL}/en/jobs/{posting.pk}/image.png">'
        in html
    ), "previews show the drawn picture, not the logo"
    company.logo_url = "http://cdn.acme.example/logo.png"
    with pytest.raises(ValidationError):
        company.full_clean()


def test_it_leaves_the_logo_out_when_unknown(client):
    data = json_ld(client, factories.live_posting(language="en"))
    assert "logo" not in data["hiringOrganization"]
