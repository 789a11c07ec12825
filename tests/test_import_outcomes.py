"""Honest outcomes: a feed that breaks off mid-file fails its run at the row where it broke,
keeps the rows before it, closes nothing, and shows as failed in /metrics."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from postings import services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.test_import_postings import run_import as run_command


def row(i: int) -> dict:
    return {
        "external_id": f"j{i}",
        "language": "fr",
        "title": f"Soudeur {i}",
        "company": "Ignored",
        "country": "FR",
        "description": f"<p>Atelier {i}</p>",
    }


def json_array(count: int) -> bytes:
    return json.dumps([row(i) for i in range(1, count + 1)]).encode()


def json_with_bad_utf8_in_row(count: int, bad: int) -> bytes:
    rows = [json.dumps(row(i)).encode() for i in range(1, count + 1)]
    rows[bad - 1] = rows[bad - 1].replace(b"Atelier", b"Atel\xff\xfeier")
    return b"[" + b",\n".join(rows) + b"]"


def cut(content: bytes, share: float) -> bytes:
    return content[: int(len(content) * share)]


def csv_feed(count: int) -> bytes:
    lines = ["external_id,language,title,company,country,description"]
    lines += [f'j{i},fr,Soudeur {i},Ignored,FR,"<p>Atelier, {i}</p>"' for i in range(1, count + 1)]
    return ("\n".join(lines) + "\n").encode()


def xml_feed(count: int) -> bytes:
    jobs = "".join(
        f"<job><referencenumber>j{i}</referencenumber><title>Soudeur {i}</title>"
        f"<company>Ignored</company><country>FR</country><language>fr</language>"
        f"<description>Atelier {i}</description></job>\n"
        for i in range(1, count + 1)
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<source>\n{jobs}</source>\n'.encode()


def json_lines(count: int) -> bytes:
    return b"".join(json.dumps(row(i)).encode() + b"\n" for i in range(1, count + 1))


# (name, bytes, format, the row where it breaks, rows imported before it)
BROKEN = [
    ("invalid UTF-8 in row 50", json_with_bad_utf8_in_row(200, 50), "json", 50, 49),
    # 60 % of 200 rows of equal length: row 121 is the one cut.
    ("JSON array cut at 60 %", cut(json_array(200), 0.6), "json", 121, 120),
    ("XML cut at 60 %", cut(xml_feed(200), 0.6), "xml", 121, 120),
    ("CSV cut inside a quoted field", csv_feed(200)[:-12], "csv", 201, 199),
    ("JSON Lines cut inside its last line", json_lines(200)[:-30], "json", 200, 199),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_CHUNK_SIZE = 25
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "format", "broken_at", "imported"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_it_fails_a_run_whose_feed_breaks_off_at_the_row_where_it_broke(
    media, client, content, format, broken_at, imported
):
    source = ImportSource.objects.create(
        company=factories.trusted_company("Acme"),
        name="broken",
        format=format,
        default_language="fr",
        full_sync=True,
        feed=ContentFile(content, name=f"feed.{format}"),
    )
    gone = Posting.objects.create(
        company=source.company,
        source=source.posting_source,
        external_id="gone",
        language="fr",
        title="Ancien",
        country="FR",
        description="x",
        status="published",
        published_at=timezone.now(),
    )
    with translation.override("fr"):
        run = services.start_import(source=source)
    services.run_import(run=run)
    run.refresh_from_db()

    assert run.status == ImportRun.Status.FAILED
    assert f"ligne {broken_at}" in run.message, run.message
    assert run.created == imported  # the rows before the break stay imported
    assert run.closed == 0
    gone.refresh_from_db()
    assert gone.status == Posting.Status.PUBLISHED  # a full sync of a broken feed closes nothing
    metrics = client.get("/metrics").content.decode()
    assert re.search(r'^jobboard_import_runs\{status="failed"\} 1\.0$', metrics, re.M)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "format", "broken_at", "imported"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_it_exits_1_and_says_where_a_file_broke_off(
    tmp_path, settings, content, format, broken_at, imported
):
    settings.IMPORT_CHUNK_SIZE = 25
    path: Path = tmp_path / f"feed.{format}"
    path.write_bytes(content)
    status, _out, err = run_command(path, "--format", format)
    assert status == 1
    assert f"The file broke off at row {broken_at}" in err, err
    assert Posting.objects.count() == imported
