"""The load benchmark: `make bench-load` (LOAD_USERS, LOAD_SECONDS, LOAD_COUNT).

LOAD_USERS job seekers (50) browse the site for LOAD_SECONDS (60) on loopback, each waiting 1 to
2 s between pages as a person reading them does: home pages, list pages with filters and
searches that the page cache has mostly not seen (a long tail), posting pages and the API. The
site runs as deployed: gunicorn with deploy/gunicorn.conf.py (2 processes x 4 threads),
production settings, the page cache in Redis, on a database of LOAD_COUNT postings beside the
configured one (`<name>_bench`, shared with `make bench`). Prints errors, throughput and the
latency per kind of page as the users met it (client side, queueing included).
"""

import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import COMMON, percentile, prepare  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
COUNT = int(os.environ.get("LOAD_COUNT", "100000"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
WORDS = {
    "en": ["developer", "nurse", "accountant", "sales", "engineer", "teacher", "driver"],
    "fr": ["développeur", "infirmier", "comptable", "commercial", "ingénieur", "chauffeur"],
    "de": ["Entwickler", "Pflege", "Buchhalter", "Vertrieb", "Ingenieur", "Fahrer"],
}


def main() -> None:
    prepare(
        COUNT,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(ROOT / "staticfiles"),
        PORT=str(PORT),
        BIND="127.0.0.1",
        TRUSTED_PROXY="127.0.0.1",
    )
    from django.core.cache import cache

    from postings.models import FacetCount, Posting

    cache.clear()
    countries = defaultdict(list)
    for language, country in FacetCount.objects.values_list("language", "country").distinct():
        countries[language].append(country)
    details = [p.get_absolute_url() for p in Posting.objects.live().order_by("?")[:2000]]
    pages = Pages(countries, details)

    # One process's metrics (an empty PROMETHEUS_MULTIPROC_DIR would write files in the cwd).
    environment = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "jobboard.wsgi"],
        cwd=ROOT,
        env=environment,
    )
    try:
        wait_until_up()
        # Each process's first pages load code, catalogs and collations: not what users meet.
        warm = random.Random(0)
        for _ in range(40):
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{pages.pick(warm)[1]}").read()
        results = browse(pages)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, Posting.objects.count())


class Pages:
    """What a job seeker opens next: mostly lists and searches, then postings."""

    def __init__(self, countries: dict[str, list[str]], details: list[str]) -> None:
        self.countries, self.details = countries, details

    def pick(self, rng: random.Random) -> tuple[str, str]:
        language = rng.choice(["en", "en", "fr", "de"])
        words = WORDS[language] + [COMMON[language]]
        roll = rng.random()
        if roll < 0.10:
            return "home", f"/{language}/"
        if roll < 0.40:
            country = rng.choice(self.countries[language] or ["GB"])
            page = rng.choice([1, 1, 1, 2, 3])
            return "list", f"/{language}/jobs/?country={country}&page={page}"
        if roll < 0.65:
            query = urllib.parse.quote(rng.choice(words))
            return "search", f"/{language}/jobs/?q={query}&posted_within={rng.choice([7, 30])}"
        if roll < 0.92:
            return "detail", rng.choice(self.details)
        return "api", f"/api/v1/postings?language={language}&limit=20"


def wait_until_up() -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def browse(pages: Pages) -> dict[str, list]:
    results: dict[str, list] = defaultdict(list)  # kind -> [(seconds, status)]
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def user(number: int) -> None:
        rng = random.Random(number)
        time.sleep(rng.uniform(0, 2))  # people do not all arrive in the same second
        while time.monotonic() < deadline:
            kind, path = pages.pick(rng)
            started = time.perf_counter()
            try:
                # Each user is a client of its own, as behind the deployment's proxy.
                headers = {"X-Forwarded-For": f"198.51.100.{number}"}
                request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with lock:
                results[kind].append((time.perf_counter() - started, status))
            time.sleep(rng.uniform(1, 2))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(results: dict[str, list], total: int) -> None:
    every = [r for rows in results.values() for r in rows]
    errors = [status for _seconds, status in every if status != 200]
    print(
        f"\n{USERS} users for {SECONDS} s, 1-2 s between pages, {total:,} postings; "
        f"gunicorn 2 x 4 threads, production settings, page cache in Redis.\n"
    )
    print(
        f"Requests: {len(every):,} ({len(every) / SECONDS:.0f}/s); errors: {len(errors)}"
        + (f" (statuses {sorted(set(errors))})" if errors else "")
        + "\n"
    )
    print("| Page | Requests | p50 (ms) | p95 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("home", "list", "search", "detail", "api"):
        times = sorted(seconds * 1000 for seconds, _status in results.get(kind, []))
        if times:
            print(
                f"| {kind} | {len(times):,} | {percentile(times, 50):.0f} | "
                f"{percentile(times, 95):.0f} | {times[-1]:.0f} |"
            )


if __name__ == "__main__":
    main()
