"""The alerts benchmark: `make bench-alerts` (or `BENCH_ALERTS=10000 make bench-alerts`).

In the benchmark database (`<name>_bench`, see run.py; BENCH_BASE postings generated once if it
holds fewer), adds a day of BENCH_ALERT_POSTINGS new postings (copies of random live ones,
published over the last 23 hours) and BENCH_ALERTS confirmed daily alerts whose searches repeat
the way real ones do (a few popular searches, a long tail), then measures the daily sweep's
matching on a quarter of the alerts and on all of them; then the same alerts meet a big import
(BENCH_ALERT_IMPORT new postings instead). For each: the time, the matches recorded and counted,
the longest transaction the database saw meanwhile and the peak memory of this process. Last,
the mails per second through one SMTP connection per batch into a local SMTP sink (aiosmtpd, in
its own process), for the first BENCH_ALERT_MAILS alerts due.
"""

import os
import random
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALERTS = int(os.environ.get("BENCH_ALERTS", "100000"))
NEW_POSTINGS = int(os.environ.get("BENCH_ALERT_POSTINGS", "5000"))
BIG_IMPORT = int(os.environ.get("BENCH_ALERT_IMPORT", "50000"))
MAILS = int(os.environ.get("BENCH_ALERT_MAILS", "2000"))
BASE = int(os.environ.get("BENCH_BASE", "100000"))
SEARCHES_PER_LANGUAGE = 500


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def reset_peak_memory() -> None:
    """Starts the peak resident size (VmHWM) afresh, so that a step's peak is its own."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    assert found, status
    return int(found.group(1)) / 1024


class TransactionWatch(threading.Thread):
    """Watches the benchmark database from a connection of its own (pg_stat_activity, every
    50 ms) and keeps the longest transaction of a client (autovacuum aside) it saw since the
    last reset: what a concurrent sweep or expiry would have waited behind, at worst."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.longest = 0.0
        self.lock = threading.Lock()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as watcher:
            while True:
                [(age,)] = watcher.execute(
                    "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchall()
                with self.lock:
                    self.longest = max(self.longest, float(age))
                time.sleep(0.05)

    def reset(self) -> None:
        with self.lock:
            self.longest = 0.0


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import bench_database

    port = free_port()
    os.environ["DATABASE_URL"] = bench_database()
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        DJANGO_SETTINGS_MODULE="jobboard.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        SITE_URL="https://jobs.example",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone

    from alerts import matching, sending
    from alerts.models import Alert, AlertMatch, Subscriber
    from postings.models import Category, FacetCount, Posting

    call_command("migrate", verbosity=0)
    existing = Posting.objects.count()
    if existing < BASE:
        print(f"Generating {BASE - existing:,} postings (once; later runs reuse them)…")
        call_command("generate_postings", count=BASE - existing)

    def add_postings(count: int) -> None:
        """A day of `count` new postings, instead of the previous ones."""
        print(f"Adding {count:,} postings published over the last day…")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE alerts_alertmatch")
            cursor.execute("DELETE FROM postings_posting WHERE source = 'bench-alerts'")
            columns = (
                "language, title, slug, company_id, category_id, country, city, remote, "
                "employment_type, description, responsibilities, requirements, nice_to_have, "
                "salary_min, salary_max, salary_currency, salary_period, apply_url, apply_email, "
                "search_context, detected_language, review_comment, import_hash"
            )
            cursor.execute(
                f"""
                INSERT INTO postings_posting ({columns}, status, published_at, expires_at,
                    source, external_id, created_at, updated_at)
                SELECT {columns}, 'published', now() - random() * interval '23 hours',
                    now() + interval '30 days', 'bench-alerts', 'a' || row_number() OVER (),
                    now(), now()
                FROM (SELECT * FROM postings_posting WHERE status = 'published'
                      ORDER BY random() LIMIT %s) AS t
                """,  # noqa: S608 (constant column list)
                [count],
            )
            cursor.execute("ANALYZE postings_posting")

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE alerts_alertmatch, alerts_alert, alerts_subscriber")
    add_postings(NEW_POSTINGS)
    new = Posting.objects.filter(source="bench-alerts")
    per_language = Counter(new.values_list("language", flat=True))

    # Searches people save: a country, a category, a word of the titles, combinations; the
    # popular ones saved by many, a long tail by few (Zipf).
    rng = random.Random(1)
    categories = list(Category.objects.values_list("slug", flat=True))
    searches: list[tuple[str, str]] = []
    weights: list[float] = []
    for language in per_language:
        countries = [
            code
            for code, _n in Counter(
                dict(FacetCount.objects.filter(language=language).values_list("country", "n"))
            ).most_common(8)
        ]
        frequencies = Counter(
            word.lower()
            for title in new.filter(language=language).values_list("title", flat=True)
            for word in re.findall(r"\w{5,}", title)
        )
        words = [word for word, _n in frequencies.most_common(30)]
        pool: set[str] = set()
        while len(pool) < SEARCHES_PER_LANGUAGE:
            parts = []
            shape = rng.random()
            if shape < 0.5 or not words:
                parts.append(f"country={rng.choice(countries)}")
            if shape > 0.3:
                parts.append(f"category={rng.choice(categories)}")
            if shape < 0.2 or 0.7 < shape < 0.8:
                parts.append(f"q={rng.choice(words)}")
            if rng.random() < 0.15:
                parts.append(rng.choice(["remote=remote", "type=part_time", "salary_min=40000"]))
            pool.add("&".join(sorted(parts)))
        for rank, query in enumerate(sorted(pool), start=1):
            searches.append((language, query))
            weights.append(per_language[language] / rank)
    # The saved form of each search: what subscribing stores.
    from django.http import QueryDict
    from django.utils import translation

    from alerts.forms import saved_query

    category_objects = list(Category.objects.all())
    normalised = []
    for language, query in searches:
        with translation.override(language):
            normalised.append((language, saved_query(QueryDict(query), category_objects)))

    print(f"Adding {ALERTS:,} confirmed daily alerts…")
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=f"seeker{i}@bench.invalid", confirmed_at=day_ago) for i in range(ALERTS)],
        batch_size=5000,
    )
    chosen = rng.choices(normalised, weights=weights, k=ALERTS)
    Alert.objects.bulk_create(
        [
            Alert(
                subscriber=subscriber,
                language=language,
                query=query,
                frequency=Alert.Frequency.DAILY,
                confirmed_at=day_ago,
                high_water=day_ago,
            )
            for subscriber, (language, query) in zip(subscribers, chosen, strict=True)
        ],
        batch_size=5000,
    )
    del subscribers
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE alerts_subscriber, alerts_alert")
    distinct = Alert.objects.values("language", "query").distinct().count()

    watch = TransactionWatch(os.environ["DATABASE_URL"])
    watch.start()

    def match(share: int) -> tuple[float, int, int, float, float]:
        """Matches the alerts whose id is a multiple of `share` from scratch: the time, the
        matches recorded and counted, the longest transaction and the peak memory."""
        AlertMatch.objects.all().delete()
        Alert.objects.update(high_water=day_ago, more=0, counted_up_to=None)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE alerts_alert SET paused = (id %% %s <> 0)", [share])
            cursor.execute("VACUUM ANALYZE alerts_alert, alerts_alertmatch")
        reset_peak_memory()
        watch.reset()
        started = time.perf_counter()
        recorded = matching.match_alerts(frequency=Alert.Frequency.DAILY)
        elapsed = time.perf_counter() - started
        counted = Alert.objects.aggregate(n=Sum("more"))["n"] or 0
        return elapsed, recorded, counted, watch.longest, peak_memory_mb()

    quarter = match(4)
    quarter_groups = Alert.objects.active().values("language", "query").distinct().count()
    full = match(1)
    add_postings(BIG_IMPORT)
    big = match(1)

    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        batches = matching.sweep(frequency=Alert.Frequency.DAILY)
        due = [alert_id for batch in batches for alert_id in batch][:MAILS]
        size = django.conf.settings.ALERT_SEND_BATCH
        started = time.perf_counter()
        sent = sum(
            sending.send_alerts(alert_ids=due[start : start + size])
            for start in range(0, len(due), size)
        )
        sending_time = time.perf_counter() - started
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    mails_due = sum(len(batch) for batch in batches)
    print(
        f"\n{Posting.objects.count():,} postings; {ALERTS:,} confirmed daily alerts, "
        f"{distinct:,} distinct searches.\n"
    )
    print(
        "| Step | Alerts | New postings | Distinct searches | Matches recorded "
        "| Matches counted | Time (s) | Longest transaction (s) | Peak memory (MB) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, alerts, postings, groups, (elapsed, recorded, counted, longest, memory) in [
        ("Matching, a quarter of the alerts", ALERTS // 4, NEW_POSTINGS, quarter_groups, quarter),
        ("Matching, all alerts", ALERTS, NEW_POSTINGS, distinct, full),
        ("Matching, all alerts, a big import", ALERTS, BIG_IMPORT, distinct, big),
    ]:
        print(
            f"| {label} | {alerts:,} | {postings:,} | {groups:,} | {recorded:,} "
            f"| {counted:,} | {elapsed:.1f} | {longest:.1f} | {memory:.0f} |"
        )
    print(
        f"\nAlerts with a mail to send: {mails_due:,}. Sent {sent:,} in {sending_time:.1f} s: "
        f"{sent / sending_time:.0f} mails/s, one process, {size} per SMTP connection."
    )
    print(f"Peak memory (RSS) of this process over the whole run: {peak_rss_mb():.0f} MB.")


if __name__ == "__main__":
    main()
