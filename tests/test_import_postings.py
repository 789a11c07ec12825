import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from postings.models import Company, Posting
from tests import factories

pytestmark = pytest.mark.django_db


def row(**fields) -> dict:
    base = {
        "external_id": "ext-1",
        "language": "fr",
        "title": "Développeur Python",
        "company": "Acme",
        "country": "FR",
        "city": "Lyon",
        "description": "<p>Rejoignez-nous.</p>",
    }
    base.update(fields)
    return base


def write_json(tmp_path: Path, rows: list) -> Path:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def write_lines(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(path: Path, *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `manage.py import_postings`, as a shell would see them."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_postings", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_a_json_array_and_publishes_it(tmp_path, client):
    path = write_json(
        tmp_path,
        [
            row(),
            row(
                external_id="ext-2",
                language="de",
                country="AT",
                title="Entwicklerin",
                category="software-engineering",
                salary_min=50000,
                salary_max=65000,
                salary_currency="eur",
                salary_period="year",
            ),
        ],
    )
    status, out, _ = run_import(path, "--source", "acme-ats")
    assert status == 0
    assert "2 created" in out
    german = Posting.objects.get(external_id="ext-2")
    assert german.source == "cli:acme-ats"
    assert german.is_live and german.salary_currency == "EUR"
    assert german.category.slug == "software-engineering"
    # Published with the default duration, and visible on its language's list only.
    assert (german.expires_at - german.published_at).days == 30
    assert "Entwicklerin" in client.get("/de/jobs/").content.decode()
    assert "Entwicklerin" not in client.get("/fr/jobs/").content.decode()


def test_it_updates_on_reimport_and_never_duplicates(tmp_path):
    run_import(write_json(tmp_path, [row()]))
    status, out, _ = run_import(write_json(tmp_path, [row()]))
    assert status == 0 and "1 unchanged" in out
    status, out, _ = run_import(write_json(tmp_path, [row(title="Développeuse Python senior")]))
    assert status == 0 and "1 updated" in out
    posting = Posting.objects.get()
    assert posting.title == "Développeuse Python senior"
    assert posting.slug == "developpeuse-python-senior"
    assert Company.objects.count() == 1


def test_it_keeps_one_posting_per_source_and_external_id(tmp_path):
    run_import(write_json(tmp_path, [row()]), "--source", "a")
    run_import(write_json(tmp_path, [row()]), "--source", "b")
    assert Posting.objects.count() == 2


def test_it_rejects_bad_rows_with_their_number_and_keeps_the_good_ones(tmp_path):
    path = write_lines(
        tmp_path,
        [
            json.dumps(row(external_id="good-1")),
            json.dumps(row(external_id="bad-lang", language="xx")),
            "{not json",
            json.dumps(row(external_id="bad-country", country="ZZ", salary_min=90, salary_max=10)),
            "",
            json.dumps(row(external_id="good-2", title="Analyste")),
            json.dumps(["not", "an", "object"]),
            json.dumps(row(external_id="bad-category", category="astrology")),
        ],
    )
    status, _, err = run_import(path)
    assert status == 1
    assert set(Posting.objects.values_list("external_id", flat=True)) == {"good-1", "good-2"}
    lines = [line for line in err.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in lines] == ["row 2", "row 3", "row 4", "row 7", "row 8"]
    assert "language" in lines[0] and "xx" in lines[0]
    assert "invalid JSON" in lines[1]
    assert "country" in lines[2] and "ZZ" in lines[2]
    assert "JSON object" in lines[3]
    assert "astrology" in lines[4]
    assert "Imported 2 of 7 rows" in err


def test_it_reports_salary_ranges_upside_down(tmp_path):
    path = write_json(tmp_path, [row(salary_min=90000, salary_max=10000, salary_currency="EUR")])
    status, _, err = run_import(path)
    assert status == 1
    assert "row 1: salary_max" in err
    assert not Posting.objects.exists()


def test_it_requires_the_contract_fields(tmp_path):
    path = write_json(tmp_path, [{"external_id": "x"}])
    status, _, err = run_import(path)
    assert status == 1
    for name in ("language", "title", "company", "country", "description"):
        assert f"{name}: This field is required." in err


def test_it_sanitises_html(tmp_path, client):
    path = write_json(
        tmp_path,
        [
            row(
                description='<p onclick="x()">Hi <script>alert(1)</script>'
                '<a href="javascript:evil()">a</a>'
                '<a href="https://ok.example">b</a></p>'
            )
        ],
    )
    assert run_import(path)[0] == 0
    html = Posting.objects.get().description
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert 'href="https://ok.example"' in html and "<p>" in html


def test_it_imports_drafts_without_publishing_them(tmp_path, client):
    assert run_import(write_json(tmp_path, [row(status="draft")]))[0] == 0
    posting = Posting.objects.get()
    assert posting.status == Posting.Status.DRAFT and not posting.is_live
    assert "Python" not in client.get("/fr/jobs/").content.decode()


def test_it_expires_a_row_whose_expiry_is_past(tmp_path):
    path = write_json(
        tmp_path, [row(published_at="2025-01-01T09:00:00Z", expires_at="2025-02-01T00:00:00+01:00")]
    )
    assert run_import(path)[0] == 0
    assert Posting.objects.get().status == Posting.Status.EXPIRED


@pytest.mark.parametrize(
    "content", [b"", b'[{"external_id": ', b"just text\nmore text\n", b"\xff\xfe[\x00"]
)
def test_it_exits_2_when_the_file_cannot_be_read(tmp_path, content):
    path = tmp_path / "feed.json"
    path.write_bytes(content)
    status, _, err = run_import(path)
    assert status == 2
    assert "Nothing was imported" in err
    assert not Posting.objects.exists()


def test_it_exits_2_for_a_missing_file(tmp_path):
    status, _, err = run_import(tmp_path / "missing.json")
    assert status == 2 and "No such file" in err


def test_it_reads_a_utf8_bom(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(row()).encode())
    assert run_import(path)[0] == 0
    assert Posting.objects.count() == 1


def test_it_attaches_postings_to_an_existing_company(tmp_path):
    acme = factories.company("Acme")
    assert run_import(write_json(tmp_path, [row()]))[0] == 0
    assert Posting.objects.get().company == acme


@pytest.mark.parametrize("status", [Posting.Status.CLOSED, Posting.Status.PENDING])
def test_it_does_not_reopen_a_held_posting_unless_the_row_says_so(tmp_path, status):
    run_import(write_json(tmp_path, [row()]))
    Posting.objects.update(status=status)
    assert run_import(write_json(tmp_path, [row(title="Nouveau titre")]))[0] == 0
    assert Posting.objects.get().status == status
    assert run_import(write_json(tmp_path, [row(status="published")]))[0] == 0
    assert Posting.objects.get().status == Posting.Status.PUBLISHED


def test_it_rejects_a_row_with_a_nul_character_and_keeps_the_others(tmp_path):
    path = write_json(
        tmp_path, [row(external_id="a", title="Bad\u0000title"), row(external_id="b")]
    )
    status, _, err = run_import(path)
    assert status == 1
    assert "row 1: title: Null characters are not allowed." in err
    assert list(Posting.objects.values_list("external_id", flat=True)) == ["b"]


def test_it_shows_progress_on_stderr_when_asked(tmp_path, settings):
    settings.IMPORT_CHUNK_SIZE = 2
    rows = [row(external_id=f"p{i}") for i in range(5)]
    status, out, err = run_import(write_json(tmp_path, rows), "--progress")
    assert status == 0 and "5 created" in out
    assert "\r\033[K2 rows read" in err and "5 rows read" in err and "rows/s" in err


def test_it_retries_a_chunk_the_database_refuses_row_by_row(tmp_path):
    from django.db import connection

    with connection.cursor() as cursor:  # a rule only the database knows, undone with the test
        cursor.execute(
            "ALTER TABLE postings_posting ADD CONSTRAINT test_refused CHECK (title <> 'Refusé')"
        )
    rows = [row(external_id=f"r{i}", title="Refusé" if i == 3 else f"Poste {i}") for i in range(5)]
    status, _, err = run_import(write_json(tmp_path, rows))
    assert status == 1 and "4 created" in err
    lines = [line for line in err.splitlines() if line.startswith("row ")]
    assert len(lines) == 1 and lines[0].startswith("row 4: database refused the row: ")
    assert "test_refused" in lines[0]
    assert sorted(Posting.objects.values_list("external_id", flat=True)) == ["r0", "r1", "r2", "r4"]
    assert Posting.objects.get(external_id="r4").search_vector  # the COPY path stores it all
