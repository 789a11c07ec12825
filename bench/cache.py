"""The page cache during an import: `make bench-cache` (CACHE_BENCH_COUNT, CACHE_BENCH_ROWS).

On the benchmark database of `make bench` (`<name>_bench`, at least CACHE_BENCH_COUNT postings,
20,000 by default), in production settings with the page cache in Redis: the home page, the
first list pages and the list of each country of every language are requested once, then
requested round after round while `import_postings` loads CACHE_BENCH_ROWS (10,000) new German
postings in another process, in chunks of IMPORT_CHUNK_SIZE rows, each its own transaction.
Prints the share of the requests served from the page cache (a request whose only query is
its language's data version), for the German pages and for the others', and beside it the share
that the previous release's single data version would have served: its row is still bumped
(see DataVersion), so the same run tells which requests would have found their page under it.
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import prepare  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("CACHE_BENCH_COUNT", "20000"))
ROWS = int(os.environ.get("CACHE_BENCH_ROWS", "10000"))
IMPORTED = "de"


def feed(path: Path) -> None:
    rows = [
        {
            "external_id": f"cache-bench-{i}",
            "language": IMPORTED,
            "title": f"Softwareentwickler {i % 977}",
            "company": f"Werkstatt {i % 311}",
            "country": "DE",
            "city": "Berlin",
            "description": "<p>" + f"Wir bauen Dinge, Team {i % 53}. " * 12 + "</p>",
        }
        for i in range(ROWS)
    ]
    path.write_text(json.dumps(rows))


def main() -> None:
    prepare(COUNT, ALLOWED_HOSTS="testserver")
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from postings.models import DataVersion, FacetCount

    logging.getLogger("jobboard.request").setLevel(logging.WARNING)
    client = Client()
    pages = []
    for language, _name in settings.LANGUAGES:
        cells = FacetCount.objects.filter(language=language)
        countries = cells.values_list("country", flat=True).distinct()
        pages += [(language, f"/{language}/"), (language, f"/{language}/jobs/")]
        pages += [(language, f"/{language}/jobs/?page={page}") for page in (2, 3)]
        pages += [(language, f"/{language}/jobs/?country={code}") for code in sorted(countries)]
    cache.clear()
    for _language, url in pages:
        assert client.get(url).status_code == 200, url

    def global_version() -> int:
        return DataVersion.objects.values_list("n", flat=True).get()

    # The single version each page would have been stored under.
    stored = dict.fromkeys((url for _language, url in pages), global_version())
    requests: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    global_hits: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        feed(path)
        # A source of its own: the rows are new postings at every run, not unchanged ones.
        source = f"cache-bench-{int(time.time())}"
        command = [sys.executable, "manage.py", "import_postings", str(path), "--source", source]
        importer = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ))
        while importer.poll() is None:
            for language, url in pages:
                group = IMPORTED if language == IMPORTED else "others"
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200, url
                requests[group] += 1
                hits[group] += len(queries) == 1
                version = global_version()
                global_hits[group] += stored[url] == version
                stored[url] = version
        assert importer.returncode in (0, 1), importer.returncode

    chunk = os.environ.get("IMPORT_CHUNK_SIZE", "2000")
    print(
        f"\nPage cache while {ROWS:,} {IMPORTED} postings are imported in chunks of {chunk} "
        f"({len(pages)} pages in {len(settings.LANGUAGES)} languages, requested in rounds):\n"
    )
    print(
        "| Pages | Requests | From the cache | Hit ratio | With one version for all |\n"
        "| --- | ---: | ---: | ---: | ---: |"
    )
    for group, label in ((IMPORTED, f"{IMPORTED} (imported)"), ("others", "other languages")):
        n = requests[group] or 1
        print(
            f"| {label} | {requests[group]:,} | {hits[group]:,} | {hits[group] / n:.1%} "
            f"| {global_hits[group] / n:.1%} |"
        )


if __name__ == "__main__":
    main()
