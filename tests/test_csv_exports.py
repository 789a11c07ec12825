"""Every CSV the site writes opens in a spreadsheet without running a formula of its cells."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postings.models import ImportRun, ImportSource
from tests import factories

pytestmark = pytest.mark.django_db

# What spreadsheets run as a formula, or after trimming the cell: the classic starts, a tab or
# a carriage return or a line feed before one, spaces before one, and the full-width forms.
FORMULAS = [
    '=HYPERLINK("https://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1,2)",
]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_exports_postings_with_formulas_as_text(client):
    acme = factories.company("Acme")
    postings = [
        factories.live_posting(company=acme, title=formula, city="Lyon") for formula in FORMULAS
    ]
    plain = factories.live_posting(company=acme, title="Soudeur", city="Lyon")
    client.force_login(factories.company_admin(acme))
    response = client.post(
        "/admin/postings/posting/",
        {"action": "export_csv", "_selected_action": [p.pk for p in [*postings, plain]]},
    )
    header, *rows = read_csv(response)
    titles = [row[header.index("title")] for row in rows]
    assert titles == ["'" + formula for formula in FORMULAS] + ["Soudeur"]


def test_it_writes_the_rejected_rows_with_formulas_as_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = factories.company("Acme")
    rows = [{"external_id": formula, "title": formula} for formula in FORMULAS]
    source = ImportSource.objects.create(
        company=acme,
        name="acme",
        feed=SimpleUploadedFile("feed.jsonl", "\n".join(map(json.dumps, rows)).encode()),
    )
    run = ImportRun.objects.create(
        source=source,
        errors=[{"row": n, "reason": f} for n, f in enumerate(FORMULAS, start=1)],
        rejected=len(FORMULAS),
    )
    client.force_login(factories.recruiter(acme))
    header, *written = read_csv(client.get(f"/admin/postings/importrun/{run.pk}/rejected.csv"))
    assert len(written) == len(FORMULAS)
    for row, formula in zip(written, FORMULAS, strict=True):
        for name in ("reason", "external_id", "title"):
            assert row[header.index(name)] == "'" + formula, (name, row)


def test_it_writes_csv_in_one_place_only():
    root = Path(__file__).resolve().parent.parent
    writers = [
        path.relative_to(root).as_posix()
        for app in ("accounts", "alerts", "jobboard", "postings")
        for path in (root / app).rglob("*.py")
        if "csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text()
    ]
    assert writers == ["jobboard/csv_files.py"]
