"""Feeds built to exhaust a worker: rows nested or widened far past what a posting needs. The
limits apply while the parser streams, so a bad row is rejected before it is built, in the
run's language, and the good rows still import."""

import json
import resource
import time
import tracemalloc
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile

from postings import services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.test_import_postings import run_import

DEEP = 100_000


def native(external_id: str, **fields) -> dict:
    return {
        "external_id": external_id,
        "language": "fr",
        "title": f"Soudeur {external_id}",
        "company": "Acme",
        "country": "FR",
        "description": "<p>Atelier</p>",
        **fields,
    }


def job_posting(identifier: str, **fields) -> dict:
    return {
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "value": identifier},
        "title": f"Soudeur {identifier}",
        "description": "<p>Atelier</p>",
        "inLanguage": "fr-FR",
        "hiringOrganization": {"@type": "Organization", "name": "Acme"},
        "jobLocation": [
            {"@type": "Place", "address": {"addressLocality": "Lyon", "addressCountry": "FR"}}
        ],
        "baseSalary": {"currency": "EUR", "value": {"minValue": 30000, "unitText": "YEAR"}},
        **fields,
    }


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def wide(count: int) -> list[int]:
    return list(range(count))


def array(*items: str) -> str:
    return "[" + ",\n".join(items) + "]"


def lines(*items: str) -> str:
    return "\n".join(items) + "\n"


# (name, format, content): row 2 of each is the attack, rows 1 and 3 are good.
FEEDS = [
    ("array-deep", "json", array(json.dumps(native("1")), deep(DEEP), json.dumps(native("3")))),
    (
        "array-field-deep",
        "json",
        array(
            json.dumps(native("1")),
            json.dumps(native("2"))[:-1] + ', "tags": ' + deep(DEEP) + "}",
            json.dumps(native("3")),
        ),
    ),
    (
        "array-wide",
        "json",
        array(
            json.dumps(native("1")),
            json.dumps(native("2", tags=wide(50_000))),
            json.dumps(native("3")),
        ),
    ),
    ("lines-deep", "json", lines(json.dumps(native("1")), deep(DEEP), json.dumps(native("3")))),
    (
        "lines-wide",
        "json",
        lines(
            *(json.dumps(native(str(n), tags=wide(50_000) if n == 2 else "")) for n in (1, 2, 3))
        ),
    ),
    (
        "jsonld-deep",
        "jsonld",
        '{"@context": "https://schema.org/", "@graph": ['
        + json.dumps(job_posting("1"))
        + ","
        + json.dumps(job_posting("2"))[:-1]
        + ', "skills": '
        + deep(DEEP)
        + "},"
        + json.dumps(job_posting("3"))
        + "]}",
    ),
    (
        "jsonld-wide",
        "jsonld",
        json.dumps([job_posting(str(n), skills=wide(50_000 if n == 2 else 3)) for n in (1, 2, 3)]),
    ),
]


@contextmanager
def memory_ceiling(megabytes: int):
    """The process may not grow its address space by more than this meanwhile: an import that
    builds what a feed nests fails with MemoryError instead of taking the machine down."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + megabytes * 2**20, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "format", "content"), FEEDS, ids=[feed[0] for feed in FEEDS])
def test_it_rejects_a_nested_or_wide_row_fast_and_flat_and_imports_the_others(
    settings, tmp_path, name, format, content
):
    settings.MEDIA_ROOT = tmp_path
    source = ImportSource.objects.create(
        company=factories.company("Acme"),
        name=name,
        format=format,
        feed=ContentFile(content.encode(), name=f"{name}.json"),
    )
    run = ImportRun.objects.create(source=source, language="fr")

    tracemalloc.start()
    started = time.monotonic()
    try:
        with memory_ceiling(1024):
            services.run_import(run=run)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == ("succeeded", 2, 1), run.message
    assert run.errors[0]["row"] == 2
    french = ("profondeur", "éléments", "champ", "objet")  # the run's language
    assert any(word in run.errors[0]["reason"] for word in french), run.errors
    assert set(Posting.objects.values_list("external_id", flat=True)) == {"1", "3"}
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "imported"),
    [
        ("feed.jsonl", lines(json.dumps(native("1")), '{"x": ' + deep(DEEP) + "}"), 1),
        ("feed.json", json.dumps(job_posting("1", skills=json.loads(deep(500)))), 0),
    ],
)
def test_it_reports_a_deep_row_on_the_command_line_instead_of_crashing(
    tmp_path, name, content, imported
):
    path = tmp_path / name
    path.write_text(content)
    with memory_ceiling(1024):
        status, _, err = run_import(path)
    assert status == 1, err
    assert Posting.objects.count() == imported
    assert f"row {imported + 1}: " in err and "Traceback" not in err
