"""The language of imported postings: taken from the row, the source or the text, and checked
against the text on every path a posting comes in by, for the moderators to sort and filter."""

import pytest
from django.core.files.base import ContentFile

from postings import services
from postings.importers import import_rows
from postings.importers.rows import ChunkReport
from postings.importers.validation import validate_chunk
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.test_partner_api import make_key

pytestmark = pytest.mark.django_db

GERMAN = (
    "<p>Wir suchen eine erfahrene Schweißerin für unsere Werkstatt in München. Sie arbeiten "
    "im Team mit zehn Kolleginnen und Kollegen und lernen jeden Tag etwas Neues.</p>"
)
SPANISH = (
    "<p>Buscamos una soldadora con experiencia para nuestro taller de Madrid. Trabajará en un "
    "equipo de diez compañeros y aprenderá algo nuevo cada día.</p>"
)


def row(external_id: str, **fields) -> dict:
    return {
        "external_id": external_id,
        "title": "Soudeuse",
        "company": "Acme",
        "country": "FR",
        **fields,
    }


def xml_feed(*items: str) -> ContentFile:
    body = "".join(f"<job>{item}</job>" for item in items)
    return ContentFile(f"<source>{body}</source>", name="feed.xml")


def test_it_takes_the_detected_language_of_a_row_without_one_and_no_source_default():
    report = import_rows(
        [(1, row("de", description=GERMAN)), (2, row("es", description=SPANISH))],
        source="aggregator",
    )
    assert report.rejected == 0
    assert dict(Posting.objects.values_list("external_id", "language")) == {"de": "de", "es": "es"}


def test_it_prefers_the_sources_default_to_the_detected_language():
    import_rows([(1, row("1", description=GERMAN))], source="ats", defaults={"language": "fr"})
    posting = Posting.objects.get()
    assert posting.language == "fr"
    assert posting.detected_language == "de", "the check still says what the text looks like"


def test_it_rejects_a_row_without_a_language_only_when_its_text_says_too_little():
    report = import_rows(
        [(1, row("short", description="<p>Atelier</p>")), (2, row("de", description=GERMAN))],
        source="aggregator",
    )
    assert report.rejected == 1 and report.created == 1
    assert not Posting.objects.filter(external_id="short").exists()


def test_it_imports_the_aggregators_xml_without_a_language_field(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = ImportSource.objects.create(
        company=factories.trusted_company("Acme"),
        name="aggregator",
        feed=xml_feed(
            f"<referencenumber>1</referencenumber><title>Soldadora</title><country>ES</country>"
            f"<description><![CDATA[{SPANISH}]]></description>"
        ),
    )
    run = ImportRun.objects.create(source=source, language="es")
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.created, run.rejected) == (1, 0), run.errors
    assert Posting.objects.get().language == "es"


@pytest.mark.parametrize(
    ("value", "hint"),
    [("Español", "es"), ("spanish", "es"), ("Allemand", "de"), ("PT-br", "pt"), ("FR", "fr")],
)
def test_it_hints_at_the_code_of_a_language_given_by_name(value, hint):
    report = ChunkReport()
    validate_chunk(
        [(1, row("1", language=value, description=SPANISH))],
        report,
        source="ats",
        company=None,
        category_ids={},
        defaults={},
        owner={},
    )
    [error] = report.errors
    assert f"“{hint}”" in error.reason, error.reason


def test_it_checks_the_language_of_a_feeds_postings():
    import_rows(
        [(1, row("de", language="fr", description=GERMAN)), (2, row("es", description=SPANISH))],
        source="ats",
        defaults={"language": "es"},
    )
    checks = dict(Posting.objects.values_list("external_id", "language_check"))
    assert checks == {"de": "mismatch", "es": "match"}
    assert Posting.objects.get(external_id="de").detected_language == "de"


def test_it_checks_the_language_of_a_partners_postings(client):
    acme = factories.trusted_company("Acme")
    response = client.put(
        "/api/v1/partner/postings/REQ-1",
        {"language": "fr", "title": "Schweißerin", "country": "DE", "description": GERMAN},
        content_type="application/json",
        headers={"Authorization": f"Bearer {make_key(acme)}"},
    )
    assert response.status_code == 201, response.json()
    posting = Posting.objects.get(external_id="REQ-1")
    assert (posting.language_check, posting.detected_language) == ("mismatch", "de")


def test_it_sorts_and_filters_the_moderation_queue_by_the_language_check(client):
    acme = factories.company("Acme")
    import_rows(
        [
            (1, row("mismatch", title="Schweißerin", language="fr", description=GERMAN)),
            (2, row("match", title="Soldadora", language="es", description=SPANISH)),
            (3, row("unsure", title="Soudeuse", language="fr", description="<p>Atelier</p>")),
        ],
        source="ats",
        company=acme,
    )
    assert Posting.objects.filter(status=Posting.Status.PENDING).count() == 3
    client.force_login(factories.moderator())
    queue = "/admin/postings/postingforreview/"
    page = client.get(queue, {"language_check": "mismatch"}).content.decode()
    assert "Schweißerin" in page and "Soldadora" not in page and "Soudeuse" not in page
    # The column sorts (the 4th of the list).
    page = client.get(queue, {"o": "3"}).content.decode()
    assert page.index("Soldadora") < page.index("Schweißerin") < page.index("Soudeuse")
