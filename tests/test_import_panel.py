"""Imports in the recruiter panel: upload a feed, follow its run, download the rejected rows."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postings import services
from postings.importers.estimate import estimate_rows
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.waiting import wait_until


def feed_file(rows: list[dict]) -> SimpleUploadedFile:
    body = "\n".join(json.dumps(row) for row in rows).encode()
    return SimpleUploadedFile("feed.jsonl", body, content_type="application/json")


ROWS = [
    {"external_id": "1", "title": "Soudeur", "country": "FR", "description": "<p>Atelier</p>"},
    {"external_id": "2", "title": '=HYPERLINK("evil")', "country": "ZZ", "description": "x"},
    {"external_id": "3", "title": "Chaudronnier", "country": "BE", "description": "<p>Liège</p>"},
    {"external_id": "4", "title": "Sans description", "country": "FR"},
]


def wait_until_finished(client, url: str) -> dict:
    progress = {}

    def finished() -> dict | None:
        nonlocal progress
        progress = client.get(url).json()
        return progress if progress["finished"] else None

    return wait_until(finished, timeout=30, message=lambda: f"the run's end, still {progress}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_imports_a_recruiters_upload_and_offers_the_rejected_rows(
    client, worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.company("Acme")
    client.force_login(factories.recruiter(acme))
    response = client.post(
        "/admin/postings/importsource/add/",
        {
            "company": acme.pk,
            "name": "acme-upload",
            "format": "auto",
            "default_language": "fr",
            "schedule": "manual",
            "url": "",
            "feed": feed_file(ROWS),
            "_import": "1",
        },
    )
    run = ImportRun.objects.get(source__name="acme-upload")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/postings/importrun/{run.pk}/change/"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and f"/admin/postings/importrun/{run.pk}/progress/" in page

    progress = wait_until_finished(client, f"/admin/postings/importrun/{run.pk}/progress/")
    assert progress["status"] == "succeeded"
    assert (progress["created"], progress["rejected"], progress["rows_done"]) == (2, 2, 4)
    assert progress["rows_expected"] == 4
    assert set(Posting.objects.values_list("company__name", flat=True)) == {"Acme"}

    page = client.get(f"/admin/postings/importrun/{run.pk}/change/").content.decode()
    assert f"/admin/postings/importrun/{run.pk}/rejected.csv" in page
    response = client.get(f"/admin/postings/importrun/{run.pk}/rejected.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["row"] for row in rows] == ["2", "4"]
    assert "country" in rows[0]["reason"] and rows[0]["country"] == "ZZ"
    assert rows[0]["title"] == '\'=HYPERLINK("evil")', "a formula is written as text"
    assert "description" in rows[1]["reason"] and rows[1]["title"] == "Sans description"


@pytest.mark.django_db
def test_it_keeps_another_companys_runs_out_of_reach(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = ImportSource.objects.create(
        company=factories.company("Bravo"), name="bravo", feed=feed_file(ROWS)
    )
    run = ImportRun.objects.create(source=source, errors=[{"row": 2, "reason": "secret"}])
    client.force_login(factories.recruiter(factories.company("Alpha")))
    assert client.get(f"/admin/postings/importrun/{run.pk}/progress/").status_code == 404
    assert client.get(f"/admin/postings/importrun/{run.pk}/rejected.csv").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "rows"),
    [
        ("feed.jsonl", "\n".join(json.dumps({"external_id": str(i)}) for i in range(5)), 5),
        ("feed.json", json.dumps([{"external_id": str(i)} for i in range(7)]), 7),
        ("feed.csv", "external_id,title\n1,a\n2,b\n3,c\n", 3),
        ("feed.xml", "<source>" + "<job><title>a</title></job>" * 4 + "</source>", 4),
    ],
)
def test_it_estimates_the_rows_of_a_feed_without_parsing_it(tmp_path, name, content, rows):
    path = tmp_path / name
    path.write_text(content)
    assert estimate_rows(path) == rows


def test_it_counts_a_marker_cut_by_a_block_boundary(tmp_path):
    path = tmp_path / "feed.jsonl"
    line = json.dumps({"external_id": "x"}) + "\n"
    # Shift the content so that one marker straddles the 1 MiB block boundary.
    padding = (1 << 20) - 5
    path.write_bytes(b" " * padding + line.encode() * 3)
    assert estimate_rows(path, "json") == 3


@pytest.mark.django_db
def test_it_shows_a_runs_status_and_counts_in_one_place(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.company("Acme")
    source = ImportSource.objects.create(company=acme, name="acme", feed=feed_file(ROWS))
    run = ImportRun.objects.create(
        source=source, status=ImportRun.Status.SUCCEEDED, rows_done=40000, created=40000
    )
    client.force_login(factories.recruiter(acme))
    page = client.get(f"/admin/postings/importrun/{run.pk}/change/").content.decode()
    # The live part of the page holds the status and the counts; no field below repeats them
    # (it would still say what the page was drawn with while the live part moves on).
    assert page.count("Succeeded") == 1, page
    assert page.count("40000") == 2, "rows read and created, once each"


@pytest.mark.django_db
def test_it_writes_the_line_of_a_row_that_cannot_be_split_as_read_in_the_panels_language(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.trusted_company("Acme")
    lines = [
        "external_id,title,country,description",
        "1,Soudeuse,FR,<p>Atelier à Lyon</p>",
        "2,Soudeuse, TIG,FR,<p>Atelier</p>",
        '=HYPERLINK("https://evil.example"),x,y,FR,z',
    ]
    source = ImportSource.objects.create(
        company=acme,
        name="acme",
        default_language="fr",
        feed=SimpleUploadedFile("feed.csv", "\n".join(lines).encode()),
    )
    run = ImportRun.objects.create(source=source, language="es")
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.created, run.rejected) == (1, 2), run.errors

    client.force_login(factories.recruiter(acme))
    response = client.get(
        f"/admin/postings/importrun/{run.pk}/rejected.csv", HTTP_ACCEPT_LANGUAGE="es"
    )
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert header[:2] == ["fila", "motivo"] and header[-1] == "línea leída"
    assert [row[0] for row in rows] == ["3", "4"]
    assert rows[0][1] == "la fila tiene más campos que la cabecera"
    assert rows[0][-1] == lines[2]
    assert rows[1][-1] == "'" + lines[3], "a formula is written as text"


@pytest.mark.django_db
def test_it_writes_a_json_line_that_cannot_be_read_as_read(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.trusted_company("Acme")
    lines = [json.dumps(ROWS[0]), '{"external_id": "2", "title": "Soudeur",', json.dumps(ROWS[2])]
    source = ImportSource.objects.create(
        company=acme,
        name="acme",
        default_language="fr",
        feed=SimpleUploadedFile("feed.jsonl", "\n".join(lines).encode() + b"\n"),
    )
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    client.force_login(factories.recruiter(acme))
    response = client.get(f"/admin/postings/importrun/{run.pk}/rejected.csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["row"] == "2" and "invalid JSON" in row["reason"]
    assert row["line as read"] == lines[1] and row["external_id"] == ""
