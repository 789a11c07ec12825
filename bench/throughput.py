"""Throughput under load, from the page cache and past it: `make bench-throughput` (and the
last part of `make bench`).

gunicorn as deployed (deploy/gunicorn.conf.py: 2 processes x 4 threads, production settings,
the page cache in Redis; processes not recycled during the run) on the benchmark database, and
CONNECTIONS (8) clients on persistent connections, as nginx keeps them (deploy/nginx), each
sending its next request as soon as the last one is answered. Rows:

- the trivial view (`/healthz`, through the same middleware), the reference;
- the list page from the page cache (one URL, stored before);
- pages the page cache has not stored, as a long tail of searches is: every request carries a
  parameter of its own (`visit`), and the page cache keys on the full path
  (postings/caching.py), so each one is rendered. The list page (each language, pages 1 to
  50), the list of one country (each language's countries and pages), a common word's search
  on its next pages and sorts, a common word's search with a combination of country,
  employment type and remote work not asked before (its counts and order are made for it from
  the word's matches, which are kept once per word and language), and a text never searched
  before (an employer's name and the common word: every match is read, ranked and counted).

Each row is measured in ROUNDS slices of THROUGHPUT_SECONDS, each slice right after one of the
trivial view, and given as a share of that slice: on a machine that others share, the load of
the moment weighs on both. The median share of the rounds is printed, with the requests/s.
"""

import http.client
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = int(os.environ.get("THROUGHPUT_CONNECTIONS", "8"))
SECONDS = float(os.environ.get("THROUGHPUT_SECONDS", "5"))
ROUNDS = int(os.environ.get("THROUGHPUT_ROUNDS", "3"))


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import COUNT, prepare

    prepare(COUNT, **server_environment())
    print_rows(measure(url_pools()))


def server_environment() -> dict[str, str]:
    return {
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "PORT": str(PORT),
        "BIND": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


def url_pools() -> dict[str, Callable[[], Iterator[str]]]:
    """Each row's endless supply of paths, after `prepare()`."""
    from django.conf import settings
    from run import COMMON

    from postings.models import Category, Company, FacetCount, Posting

    languages = [code for code, _name in settings.LANGUAGES]
    countries: dict[str, list[str]] = {language: [] for language in languages}
    for language, country in (
        FacetCount.objects.filter(n__gt=0).values_list("language", "country").distinct()
    ):
        countries[language].append(country)
    assert Category.objects.exists(), "no categories"
    types = [value for value, _label in Posting.EmploymentType.choices]
    remotes = [value for value, _label in Posting.Remote.choices]
    visits = itertools.count()

    def unseen(paths: Iterator[str]) -> Iterator[str]:
        for path in paths:
            yield f"{path}&visit={next(visits)}"

    def cycle(paths: list[str]) -> Callable[[], Iterator[str]]:
        def supply() -> Iterator[str]:
            shuffled = random.Random(0).sample(paths, len(paths))
            return unseen(itertools.cycle(shuffled))

        return supply

    def new_searches() -> Iterator[str]:
        combinations = [
            (language, country, kind, remote)
            for language in languages
            for country in countries[language]
            for kind in types
            for remote in remotes
        ]
        random.Random(0).shuffle(combinations)
        for language, country, kind, remote in itertools.cycle(combinations):
            word = urllib.parse.quote(COMMON[language])
            yield f"/{language}/jobs/?q={word}&country={country}&type={kind}&remote={remote}"

    def new_texts() -> Iterator[str]:
        names = sorted(
            {" ".join(name.split()[:2]) for name in Company.objects.values_list("name", flat=True)}
        )
        texts = [(language, name) for language in languages for name in names]
        random.Random(0).shuffle(texts)
        for language, name in texts:  # each once: a run makes fewer requests than this
            yield f"/{language}/jobs/?q={urllib.parse.quote(f'{name} {COMMON[language]}')}"

    return {
        "Trivial view (`/healthz`)": lambda: itertools.repeat("/healthz"),
        "List page, from the page cache": lambda: itertools.repeat("/en/jobs/?page=1"),
        "List page, not cached": cycle(
            [f"/{language}/jobs/?page={page}" for language in languages for page in range(1, 51)]
        ),
        "List of a country, not cached": cycle(
            [
                f"/{language}/jobs/?country={country}&page={page}"
                for language in languages
                for country in countries[language]
                for page in (1, 2, 3)
            ]
        ),
        "Common word, next pages and sorts, not cached": cycle(
            [
                f"/{language}/jobs/?q={urllib.parse.quote(word)}&sort={sort}&page={page}"
                for language, word in COMMON.items()
                for sort in ("relevance", "date")
                for page in range(2, 11)
            ]
        ),
        "Common word, a new search each time": lambda: unseen(new_searches()),
        "A new text each time": lambda: unseen(new_texts()),
    }


def measure(pools: dict[str, Callable[[], Iterator[str]]]) -> list[dict]:
    # Another server on the port would answer /healthz, and the rows would measure it.
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is in use: set BENCH_PORT")
    # One process's metrics (an empty PROMETHEUS_MULTIPROC_DIR would write files in the cwd).
    environment = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    server = subprocess.Popen(
        # As deployed, but for the recycling of a process every 2,000 requests: it would come
        # in the trivial view's slices, and the next row would meet a process starting cold.
        [
            *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"),
            *("--max-requests", "0", "jobboard.wsgi"),
        ],
        cwd=ROOT,
        env=environment,
        # Each request's log line is written as in production, and read by no one here.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up()
        from django.core.cache import cache

        cache.clear()
        trivial, *rows = pools
        supplies = {label: pools[label]() for label in pools}
        # Warm up each process: code, catalogs, collations, pools; and store the cached page.
        for label in pools:
            run_for(supplies[label], 2)
        results: dict[str, list[tuple[float, float, int, int]]] = {label: [] for label in rows}
        for _round in range(ROUNDS):
            for label in rows:
                reference, _slow, _errors = run_for(supplies[trivial], SECONDS)
                rate, slow, errors = run_for(supplies[label], SECONDS)
                results[label].append((rate, reference, slow, errors))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return [
        {
            "label": label,
            "rate": statistics.median(row[0] for row in rounds),
            "trivial": statistics.median(row[1] for row in rounds),
            "share": statistics.median(row[0] / row[1] for row in rounds),
            "slow": sum(row[2] for row in rounds),
            "errors": sum(row[3] for row in rounds),
        }
        for label, rounds in results.items()
    ]


def wait_until_up() -> None:
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def run_for(paths: Iterator[str], seconds: float) -> tuple[float, int, int]:
    """Pages/s answered with a 200 to CONNECTIONS clients in `seconds`, how many took over
    2 s, and how many answers were not a 200 (a 503 when the database pool waited 3 s)."""
    lock = threading.Lock()
    counted = [0, 0, 0]  # answered, over 2 s, not a 200
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    path = next(paths)
                started = time.monotonic()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                with lock:
                    counted[0] += response.status == 200
                    counted[1] += time.monotonic() - started > 2
                    counted[2] += response.status != 200
        finally:
            connection.close()

    started = time.monotonic()
    clients = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    # The last answers may come after the deadline: divide by the time they took.
    return counted[0] / (time.monotonic() - started), counted[1], counted[2]


def print_rows(rows: list[dict]) -> None:
    print(
        f"\nThroughput: gunicorn as deployed (2 processes x 4 threads), {CONNECTIONS} "
        f"persistent connections, {ROUNDS} rounds of {SECONDS:g} s per row, each after "
        "a slice of the trivial view (median of the rounds).\n"
    )
    print("| Endpoint | Pages/s | Trivial view beside it (/s) | Share | Over 2 s | Not a 200 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['label']} | {row['rate']:,.1f} | {row['trivial']:,.0f} | "
            f"{row['share']:.1%} | {row['slow']} | {row['errors']} |"
        )


if __name__ == "__main__":
    main()
