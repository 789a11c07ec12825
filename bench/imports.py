"""The benchmark of feed imports: `make bench-imports` (IMPORT_BENCH_ROWS=100000 by default).

Writes a feed of IMPORT_BENCH_ROWS rows, and one of a tenth of that, in each format, then imports
each in a fresh process through the pipeline the Celery task uses (streaming reader, form
validation, nh3, chunked upserts) into `<name>_bench_imports` beside the configured database.
Prints rows per second and the peak resident memory the import added to the process (ru_maxrss
after the import minus before it): flat memory shows as the same peak for both sizes.
"""

import csv
import json
import os
import resource
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
PLACES = [
    ("en", "GB", "London"), ("fr", "FR", "Lyon"), ("de", "DE", "Berlin"), ("es", "ES", "Madrid"),
    ("it", "IT", "Milano"), ("nl", "NL", "Utrecht"), ("pl", "PL", "Kraków"), ("pt", "PT", "Porto"),
]  # fmt: skip
FIELDS = [
    "external_id", "language", "title", "company", "country", "city", "description",
    "requirements", "salary_min", "salary_max", "salary_currency", "salary_period",
]  # fmt: skip


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
                "@type": "JobPosting", "identifier": r["external_id"], "title": r["title"],
                "description": r["description"], "inLanguage": r["language"],
                "hiringOrganization": {"@type": "Organization", "name": r["company"]},
                "jobLocation": {"@type": "Place", "address": {
                    "addressLocality": r["city"], "addressCountry": r["country"]}},
            }  # fmt: skip
            for r in map(row, range(jsonld_rows))
        ]
        json.dump({"@context": "https://schema.org/", "@graph": graph}, out)
    return paths


def bench_database() -> str:
    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_imports"
    admin = psycopg.connect(
        dbname=config["NAME"], user=config["USER"], password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None, autocommit=True,
    )  # fmt: skip
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def measure(path: Path, format: str, source: str) -> None:
    """In a fresh process: import `path`, print rows/s and the peak memory the import added."""
    import django

    django.setup()
    from postings.importers import import_rows
    from postings.importers.formats import read_rows

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = import_rows(read_rows(path, "json" if format == "jsonl" else format), source=source)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"rows": report.rows, "seconds": seconds, "peak_kib": peak,
                      "created": report.created, "unchanged": report.unchanged,
                      "rejected": report.rejected}))  # fmt: skip


def run(path: Path, format: str, source: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), format, source],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    os.environ["DATABASE_URL"] = bench_database()
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-" + "x" * 60, ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="jobboard.settings",
    )  # fmt: skip
    os.environ.pop("REDIS_URL", None)
    migrate = [sys.executable, "manage.py", "migrate", "--verbosity", "0"]
    subprocess.run(migrate, cwd=ROOT, check=True)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in (max(ROWS // 10, 1), ROWS):
            paths = write_feeds(Path(folder), rows)
            for format, path in paths.items():
                with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
                    db.execute("TRUNCATE postings_posting")  # the same start for every run
                first = run(path, format, f"bench-{format}")
                again = run(path, format, f"bench-{format}")
                results.append((format, first, again, path.stat().st_size))
    chunk = os.environ.get("IMPORT_CHUNK_SIZE", "500")
    print(f"\nFeed imports, one process, chunks of {chunk} rows; "
          "peak = the resident memory the import added (ru_maxrss).\n")  # fmt: skip
    print("| Format | Rows | File (MB) | First import (rows/s) | Re-import, unchanged (rows/s) "
          "| Peak memory (MB) |\n| --- | ---: | ---: | ---: | ---: | ---: |")  # fmt: skip
    for format, first, again, size in results:
        assert first["created"] + first["rejected"] == first["rows"], first
        assert again["unchanged"] == first["created"], again
        speed, speed_again = first["rows"] / first["seconds"], again["rows"] / again["seconds"]
        peak = max(first["peak_kib"], again["peak_kib"]) / 1024
        print(f"| {format} | {first['rows']:,} | {size / 2**20:.1f} | {speed:,.0f} "
              f"| {speed_again:,.0f} | {peak:.1f} |")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--measure"]:
        measure(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
