"""Feeds built to exhaust a worker: rows nested or widened far past what a posting needs. The
limits apply while the parser streams, so a bad row is rejected before it is built, in the
run's language, and the good rows still import."""

import json
import os
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from postings import services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.test_import_postings import run_import
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
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


def xml_job(external_id: str, *inside: str) -> str:
    return (
        f"<job><referencenumber>{external_id}</referencenumber><title>Soudeur</title>"
        "<company>Acme</company><country>FR</country><language>fr</language>"
        f"<description>&lt;p&gt;Atelier&lt;/p&gt;</description>{''.join(inside)}</job>"
    )


def xml(*jobs: str) -> str:
    return "<source>" + "".join(jobs) + "</source>"


CSV_HEADER = "external_id,language,title,company,country,description\n"


def csv_row(external_id: str) -> str:
    return f"{external_id},fr,Soudeur,Acme,FR,<p>Atelier</p>\n"


LONG = "\U0001f600" + "a" * 3_000_000  # one character outside the BMP: 4 bytes each in Python

# (name, format, content, status, postings imported, rejected row or "ligne N" of the failure):
# feeds of 1-3 MB that used to cost 5 to 40 times their size in memory. A row past a limit is
# rejected and the others import; where the parser cannot go on without holding what it read
# (an XML nesting, a single value longer than a parser's buffer), the run fails at that row.
HOSTILE = [
    # ElementTree kept every element beside the <job>s under the root.
    (
        "xml-siblings",
        "xml",
        xml(xml_job("1"), "<x/>" * 250_000, xml_job("3")),
        "succeeded",
        2,
        None,
    ),
    (
        "xml-wide-job",
        "xml",
        xml(xml_job("1"), xml_job("2", "<x/>" * 250_000), xml_job("3")),
        "succeeded",
        2,
        2,
    ),
    (
        "xml-long-text",
        "xml",
        xml(xml_job("1"), xml_job("2", f"<city>{LONG}</city>"), xml_job("3")),
        "succeeded",
        2,
        2,
    ),
    # Nesting: expat keeps each open element (about 125 bytes), so reading stops at the limit.
    (
        "xml-deep",
        "xml",
        xml(xml_job("1"), xml_job("2", "<a>" * 100_000 + "</a>" * 100_000), xml_job("3")),
        "failed",
        1,
        "ligne 2",
    ),
    (
        "xml-long-tag",
        "xml",
        xml(xml_job("1"), xml_job("2", f'<city name="{LONG}"/>'), xml_job("3")),
        "failed",
        1,
        "ligne 2",
    ),
    # csv.DictReader kept 200,000 column names and built rows as wide.
    (
        "csv-wide-header",
        "csv",
        "external_id,"
        + ",".join(f"c{n}" for n in range(200_000))
        + "\n1,x\n2,"
        + "," * 200_000
        + "\n",
        "failed",
        0,
        "pas pu être lu",
    ),
    (
        "csv-wide-row",
        "csv",
        CSV_HEADER + csv_row("1") + "2" + ",ab" * 200_000 + "\n" + csv_row("3"),
        "succeeded",
        2,
        3,
    ),
    (
        "csv-long-quoted-row",
        "csv",
        CSV_HEADER
        + csv_row("1")
        + '2,fr,"'
        + "Soudeur\n" * 300_000
        + '",Acme,FR,x\n'
        + csv_row("4"),
        "succeeded",
        2,
        3,
    ),
    # ijson built the whole string before jsonstream counted its characters.
    (
        "json-long-string",
        "json",
        array(
            json.dumps(native("1")), json.dumps(native("2", title=LONG)), json.dumps(native("3"))
        ),
        "failed",
        1,
        "ligne 2",
    ),
    (
        "jsonl-long-string",
        "json",
        lines(
            json.dumps(native("1")), json.dumps(native("2", title=LONG)), json.dumps(native("3"))
        ),
        "succeeded",
        2,
        2,
    ),
    (
        "jsonld-long-string",
        "jsonld",
        json.dumps([job_posting("1"), job_posting("2", title=LONG), job_posting("3")]),
        "failed",
        1,
        "ligne 2",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "format", "content", "status", "imported", "where"),
    HOSTILE,
    ids=[feed[0] for feed in HOSTILE],
)
def test_it_reads_a_hostile_feed_in_flat_memory(
    settings, tmp_path, name, format, content, status, imported, where
):
    settings.MEDIA_ROOT = tmp_path
    source = ImportSource.objects.create(
        company=factories.company("Acme"),
        name=name,
        format=format,
        feed=ContentFile(content.encode(), name=f"{name}.{format}"),
    )
    run = ImportRun.objects.create(source=source, language="fr")
    tracemalloc.start()
    try:
        services.run_import(run=run)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    run.refresh_from_db()
    assert (run.status, run.created) == (status, imported), run.message
    if status == "succeeded":
        assert [error["row"] for error in run.errors] == ([where] if where else []), run.errors
    else:
        assert where in run.message, run.message
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB for a {len(content) / 2**20:.1f} MB feed"


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


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fails_a_run_whose_worker_died_twice_at_the_same_row(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_ALLOW_PRIVATE_ADDRESSES = True
    settings.IMPORT_FETCH_TIMEOUT = 2
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
        "MEDIA_ROOT": str(tmp_path),
        "IMPORT_ALLOW_PRIVATE_ADDRESSES": "1",
        "IMPORT_FETCH_TIMEOUT": "120",
    }
    # A feed server that accepts connections and never answers: each worker hangs in the fetch
    # until it is killed, as one that a feed drives out of memory is.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        source = ImportSource.objects.create(
            company=factories.company("Acme"),
            name="hangs",
            url=f"http://127.0.0.1:{silent.getsockname()[1]}/feed.json",
        )
        run = ImportRun.objects.create(source=source, language="fr")
        script = (
            "from postings import services; from postings.models import ImportRun; "
            f"services.run_import(run=ImportRun.objects.get(pk={run.pk}))"
        )
        for _death in range(2):
            started = run.heartbeat_at
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "shell", "-c", script],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_until(
                    lambda started=started: (
                        ImportRun.objects.get(pk=run.pk).heartbeat_at != started
                    ),
                    "the worker's heartbeat",
                    timeout=60,
                )
                run.refresh_from_db()
                assert run.status == "running"
            finally:
                worker.kill()  # SIGKILL: nothing of the import runs after it
                worker.wait()

        # The message redelivered, or the sweep's, a third time; again while the database has
        # not yet seen the killed worker's connection close (its lock on the run goes with it).
        deadline = time.monotonic() + 30
        while run.status == "running" and time.monotonic() < deadline:
            services.run_import(run=run)
            run.refresh_from_db()

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.message == (
        "L’import s’est arrêté deux fois à la ligne 1 sans aboutir (son processus a été tué, "
        "faute de mémoire peut-être)\xa0: il n’est pas relancé."
    )


def test_it_recycles_a_worker_child_above_the_memory_ceiling_from_the_environment():
    script = "from jobboard.celery import app; print(app.conf.worker_max_memory_per_child)"
    outputs = [
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "1", **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        for env in ({}, {"CELERY_WORKER_MAX_MEMORY_PER_CHILD": "300000"})
    ]
    assert outputs == [str(512 * 1024), "300000"]
