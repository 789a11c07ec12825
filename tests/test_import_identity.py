"""A posting's import identity is (company, source, external id), with sources in namespaces no
user input can name: a company's feed, the operator's command, the partner API and the demo data
never write or close one another's postings."""

import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken
from postings import services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories

pytestmark = pytest.mark.django_db


def row(external_id: str, title: str, **fields) -> dict:
    return {
        "external_id": external_id,
        "language": "fr",
        "title": title,
        "company": "Whoever",
        "country": "FR",
        "description": "<p>Atelier</p>",
        **fields,
    }


def run_source(company, name: str, rows: list[dict], *, full_sync: bool = True) -> ImportRun:
    source = ImportSource.objects.create(
        company=company,
        name=name,
        full_sync=full_sync,
        feed=ContentFile("\n".join(json.dumps(r) for r in rows), name=f"{name}.jsonl"),
    )
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    return run


def cli_import(tmp_path, rows: list[dict], source: str) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(rows))
    call_command("import_postings", str(path), "--source", source, stdout=StringIO())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# Trusted, so that they publish at once: what is at stake here is whose postings change.
@pytest.fixture
def acme():
    return factories.trusted_company("Acme")


@pytest.fixture
def globex():
    return factories.trusted_company("Globex")


def test_it_keeps_a_feed_named_like_the_demo_data_off_other_companies_postings(media, acme, globex):
    demo = [
        factories.live_posting(company=acme, source="demo", external_id=f"demo-000{n}")
        for n in (1, 2)
    ]
    titles = [posting.title for posting in demo]

    run = run_source(
        globex, "demo", [row("demo-0001", "Hijacked", apply_url="https://evil.example/apply")]
    )

    assert (run.status, run.created, run.updated, run.closed) == ("succeeded", 1, 0, 0)
    for posting, title in zip(demo, titles, strict=True):
        posting.refresh_from_db()
        assert (posting.company, posting.title, posting.status) == (acme, title, "published")
        assert posting.apply_url == ""
    own = Posting.objects.get(company=globex, external_id="demo-0001")
    assert own.title == "Hijacked" and own.is_live


def test_it_keeps_two_companies_with_the_same_source_name_and_ids_apart(
    media, tmp_path, acme, globex
):
    # The operator imported Acme's ATS as "acme-ats"; Globex names its own feed the same.
    rows = [row("1", "Soudeur", company="Acme"), row("2", "Tourneur", company="Acme")]
    cli_import(tmp_path, rows, "acme-ats")
    acme_ids = dict(Posting.objects.filter(company=acme).values_list("external_id", "id"))

    first = run_source(globex, "acme-ats", [row("1", "Hijacked")])
    second = run_source(globex, "acme-ats-2", [row("1", "Hijacked")])

    assert (first.created, first.updated, first.closed) == (1, 0, 0)
    assert (second.created, second.updated, second.closed) == (1, 0, 0)
    acme_postings = Posting.objects.filter(company=acme).order_by("external_id")
    assert [(p.id, p.title, p.status) for p in acme_postings] == [
        (acme_ids["1"], "Soudeur", "published"),
        (acme_ids["2"], "Tourneur", "published"),
    ]
    # Each feed of Globex is its own source: a full sync of one leaves the other's postings.
    assert Posting.objects.filter(company=globex, status="published").count() == 2

    # The operator's re-import still updates Acme's postings (no duplicate), and Globex's stay.
    cli_import(tmp_path, [row("1", "Soudeur senior", company="Acme")], "acme-ats")
    assert Posting.objects.get(id=acme_ids["1"]).title == "Soudeur senior"
    assert Posting.objects.filter(company=acme).count() == 2
    assert set(Posting.objects.filter(company=globex).values_list("title", flat=True)) == {
        "Hijacked"
    }


def test_it_keeps_the_operators_command_off_the_partner_apis_postings(tmp_path, client, acme):
    token = ApiToken(company=acme, name="ATS")
    key = token.generate_key()
    token.save()
    response = client.put(
        "/api/v1/partner/postings/REQ-1",
        {k: v for k, v in row("REQ-1", "Soudeuse").items() if k not in ("external_id", "company")},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    posting = Posting.objects.get(company=acme, external_id="REQ-1")

    # A file that names the API's old source and Acme: the operator's own namespace.
    cli_import(tmp_path, [row("REQ-1", "Autre", company="Acme")], f"api:{acme.pk}")

    posting.refresh_from_db()
    assert (posting.title, posting.status) == ("Soudeuse", "published")
    assert Posting.objects.filter(company=acme, external_id="REQ-1").count() == 2


def test_it_closes_on_full_sync_only_the_postings_of_that_source_of_that_company(
    media, acme, globex
):
    run_source(acme, "acme-feed", [row("1", "Soudeur"), row("2", "Tourneur")])
    run_source(globex, "globex-feed", [row("1", "Fraiseur"), row("2", "Monteur")])
    other_acme = factories.live_posting(
        company=acme, source="cli:default", external_id="2", published_at=timezone.now()
    )

    run = ImportRun.objects.create(source=ImportSource.objects.get(name="globex-feed"))
    run.source.feed = ContentFile(json.dumps(row("1", "Fraiseur")), name="g.jsonl")
    run.source.save()
    services.run_import(run=run)
    run.refresh_from_db()

    assert run.closed == 1
    assert Posting.objects.get(company=globex, external_id="2").status == "closed"
    assert set(Posting.objects.filter(company=acme).values_list("status", flat=True)) == {
        "published"
    }
    other_acme.refresh_from_db()
    assert other_acme.status == "published"
