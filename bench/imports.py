"""The benchmark of feed imports: `make bench-imports` (IMPORT_BENCH_ROWS=100000 by default).

Writes a feed of IMPORT_BENCH_ROWS rows, and one of a tenth of that, in each format
(IMPORT_BENCH_FORMATS, default all), then imports each in a fresh process through the pipeline the
Celery task uses (streaming reader, form validation, nh3, chunked upserts) into
`<name>_bench_imports` beside the configured database, IMPORT_BENCH_REPEAT times (default 3) from
an empty table, and prints the median rows per second.

Memory is the peak resident size of the importing process (VmHWM): the same peak for both sizes
shows that memory stays flat. Not ru_maxrss: Linux carries it over from the parent through fork
and exec, and the parent holds the feed it generated, so a larger feed hid the import's peak.
"""

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("IMPORT_BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("IMPORT_BENCH_REPEAT", "3"))
FORMATS = os.environ.get("IMPORT_BENCH_FORMATS", "json,jsonl,csv,xml,jsonld").split(",")
PLACES = [
    ("en", "GB", "London"),
    ("fr", "FR", "Lyon"),
    ("de", "DE", "Berlin"),
    ("es", "ES", "Madrid"),
    ("it", "IT", "Milano"),
    ("nl", "NL", "Utrecht"),
    ("pl", "PL", "Kraków"),
    ("pt", "PT", "Porto"),
]
FIELDS = [
    "external_id",
    "language",
    "title",
    "company",
    "country",
    "city",
    "description",
    "requirements",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
]


def row(i: int) -> dict:
    language, country, city = PLACES[i % len(PLACES)]
    return {
        "external_id": f"job-{i}",
        "language": language,
        "title": f"Software engineer {i % 977}",
        "company": f"Company {i % 311}",
        "country": country,
        "city": city,
        "description": "<p>" + f"We build things, team {i % 53}. " * 12 + "</p>",
        "requirements": "<ul><li>Python</li><li>PostgreSQL</li><li>Care</li></ul>",
        "salary_min": 40000 + i % 20 * 1000,
        "salary_max": 60000 + i % 20 * 1000,
        "salary_currency": "EUR",
        "salary_period": "year",
    }


def write_feeds(folder: Path, rows: int) -> dict[str, Path]:
    paths = {name: folder / f"{rows}.{name}" for name in ("json", "jsonl", "csv", "xml")}
    with paths["json"].open("w") as out:
        out.write("[\n" + ",\n".join(json.dumps(row(i)) for i in range(rows)) + "\n]\n")
    with paths["jsonl"].open("w") as out:
        out.writelines(json.dumps(row(i)) + "\n" for i in range(rows))
    with paths["csv"].open("w", newline="") as out:
        writer = csv.DictWriter(out, FIELDS)
        writer.writeheader()
        writer.writerows(row(i) for i in range(rows))
    with paths["xml"].open("w") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<source>\n')
        for i in range(rows):
            r = row(i)
            out.write(
                f"<job><referencenumber>{r['external_id']}</referencenumber>"
                f"<language>{r['language']}</language><title>{r['title']}</title>"
                f"<company>{r['company']}</company><country>{r['country']}</country>"
                f"<city>{r['city']}</city><description>{escape(r['description'])}</description>"
                "</job>\n"
            )
        out.write("</source>\n")
    # JSON-LD is read whole (careers pages embed a few postings): measured at a tenth the size.
    jsonld_rows = max(rows // 10, 1)
    paths["jsonld"] = folder / f"{jsonld_rows}.jsonld"
    with paths["jsonld"].open("w") as out:
        graph = [
            {
                "@type": "JobPosting",
                "identifier": r["external_id"],
                "title": r["title"],
                "description": r["description"],
                "inLanguage": r["language"],
                "hiringOrganization": {"@type": "Organization", "name": r["company"]},
                "jobLocation": {
                    "@type": "Place",
                    "address": {"addressLocality": r["city"], "addressCountry": r["country"]},
                },
            }
            for r in map(row, range(jsonld_rows))
        ]
        json.dump({"@context": "https://schema.org/", "@graph": graph}, out)
    return paths


def bench_database() -> str:
    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_imports"
    admin = psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def peak_kib() -> int:
    """The peak resident size of this process since its exec (VmHWM, in KiB)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def measure(path: Path, format: str, source: str) -> None:
    """In a fresh process: import `path`, print rows/s and the process's peak memory."""
    import django

    django.setup()
    from postings.importers import import_rows
    from postings.importers.formats import read_rows

    started = time.perf_counter()
    report = import_rows(read_rows(path, "json" if format == "jsonl" else format), source=source)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": report.rows,
                "seconds": seconds,
                "peak_kib": peak_kib(),
                "created": report.created,
                "unchanged": report.unchanged,
                "rejected": report.rejected,
            }
        )
    )


def run(path: Path, format: str, source: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), format, source],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    os.environ["DATABASE_URL"] = bench_database()
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="jobboard.settings",
    )
    os.environ.pop("REDIS_URL", None)
    migrate = [sys.executable, "manage.py", "migrate", "--verbosity", "0"]
    subprocess.run(migrate, cwd=ROOT, check=True)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in (max(ROWS // 10, 1), ROWS):
            paths = write_feeds(Path(folder), rows)
            for format, path in paths.items():
                if format not in FORMATS:
                    continue
                firsts, agains = [], []
                for _ in range(REPEAT):
                    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
                        # The same start for every run (the bench database's own rows only).
                        db.execute("TRUNCATE postings_posting CASCADE")
                    firsts.append(run(path, format, f"bench-{format}"))
                    agains.append(run(path, format, f"bench-{format}"))
                    print(format, rows, firsts[-1], agains[-1], file=sys.stderr)
                results.append((format, firsts, agains, path.stat().st_size))
    chunk = os.environ.get("IMPORT_CHUNK_SIZE", "2000")
    print(
        f"\nFeed imports, chunks of {chunk} rows, median of {REPEAT} runs (rows/s); "
        "peak = the importing process's peak resident memory (VmHWM).\n"
    )
    print(
        "| Format | Rows | File (MB) | First import (rows/s) | Re-import, unchanged (rows/s) "
        "| Peak memory (MB) |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    )
    for format, firsts, agains, size in results:
        for first, again in zip(firsts, agains, strict=True):
            assert first["created"] + first["rejected"] == first["rows"], first
            assert again["unchanged"] == first["created"], again
        speed = statistics.median(first["rows"] / first["seconds"] for first in firsts)
        speed_again = statistics.median(again["rows"] / again["seconds"] for again in agains)
        peak = max(result["peak_kib"] for result in firsts + agains) / 1024
        print(
            f"| {format} | {firsts[0]['rows']:,} | {size / 2**20:.1f} | {speed:,.0f} "
            f"| {speed_again:,.0f} | {peak:.0f} |"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--measure"]:
        measure(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
