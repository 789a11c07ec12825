"""Bulk-load realistic postings for benchmarks: `manage.py generate_postings --count 1000000`.

Two processes write chunks of rows with COPY, in parallel. The insert trigger (facet counts and
data versions, migrations 0006 and 0014) is off during the load, and the counts are rebuilt from
the table at the end; the GIN indexes are rebuilt after the load too, which is far faster than
updating them row by row.
"""

import multiprocessing
import random
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from postings import demo_data as demo
from postings.demo import STATUS_WEIGHTS, TYPE_WEIGHTS, JobWriter, weighted
from postings.models import Category, Company, FacetCount, Posting, posting_slug, slug_for
from postings.models.search_rows import (
    CREATE_SEARCH_ROW_INDEXES,
    FILL_SEARCH_ROWS,
    SEARCH_ROW_INDEXES,
)
from postings.search import stems

SOURCE = "generated"
CHUNK = 20_000
COLUMNS = (
    "language",
    "title",
    "slug",
    "company_id",
    "category_id",
    "country",
    "city",
    "remote",
    "employment_type",
    "description",
    "responsibilities",
    "requirements",
    "nice_to_have",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "apply_url",
    "apply_email",
    "status",
    "published_at",
    "expires_at",
    "source",
    "external_id",
    "created_at",
    "updated_at",
    "search_context",
    "search_stems",
    "review_comment",
    "detected_language",
    "language_check",
    "import_hash",
)
REBUILT_INDEXES = ("posting_search_idx", "posting_title_trgm_idx")
ROOTS = (
    "Alder",
    "Birch",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Linden",
    "Meridian",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidewater",
    "Umber",
    "Vertex",
    "Willow",
    "Zenith",
)
SECTORS = (
    "Software",
    "Systems",
    "Analytics",
    "Health",
    "Logistics",
    "Energy",
    "Retail",
    "Finance",
    "Labs",
    "Engineering",
    "Media",
    "Mobility",
)
LEGAL_FORMS = {
    "DE": "GmbH",
    "AT": "GmbH",
    "CH": "AG",
    "FR": "SAS",
    "BE": "SA",
    "LU": "SA",
    "NL": "B.V.",
    "ES": "S.L.",
    "IT": "S.p.A.",
    "PL": "Sp. z o.o.",
    "PT": "Lda.",
    "BR": "Ltda.",
    "GB": "Ltd",
    "IE": "Ltd",
    "US": "Inc.",
    "CA": "Inc.",
    "MX": "S.A. de C.V.",
}


class Command(BaseCommand):
    help = "Add N realistic postings (deterministic for a seed), fast, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, count: int, seed: int, workers: int, **options: Any) -> None:
        started = time.monotonic()
        companies = self.companies_by_country(seed)
        categories = {
            c.slug: (
                c.id,
                {code: getattr(c, f"name_{code}") or c.name_en for code, _ in settings.LANGUAGES},
            )
            for c in Category.objects.all()
        }
        offset = Posting.objects.filter(source=SOURCE).count()
        chunks = [
            (seed, start, min(CHUNK, count - start), offset, companies, categories)
            for start in range(0, count, CHUNK)
        ]
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE postings_posting DISABLE TRIGGER postings_inserted")
            cursor.execute(
                "ALTER TABLE postings_posting DISABLE TRIGGER postings_search_rows_inserted"
            )
            for index in (*REBUILT_INDEXES, *SEARCH_ROW_INDEXES):
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
        try:
            connection.close()  # the workers open their own connections
            # Spawned, not forked: a fork would share the parent's pooled database sockets.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=spawn, initializer=django.setup) as pool:
                written = 0
                for rows in pool.map(write_chunk, chunks):
                    written += rows
                    self.stdout.write(f"\r{written:,} / {count:,} postings", ending="")
                    self.stdout.flush()
            self.stdout.write("")
        finally:
            self.stdout.write("Rebuilding indexes and facet counts…")
            rebuild()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count:,} postings in {elapsed:.0f} s ({count / elapsed:,.0f} per second)."
            )
        )

    def companies_by_country(self, seed: int) -> dict[str, list[tuple[int, str]]]:
        """About forty employers per country, made once and reused by later runs."""
        rng = random.Random(seed)
        wanted = []
        for country in sorted({market.country for market in demo.MARKETS}):
            form = LEGAL_FORMS.get(country, "Ltd")
            names = {f"{rng.choice(ROOTS)} {rng.choice(SECTORS)} {form}" for _ in range(40)}
            wanted += [(country, name) for name in sorted(names)]
        existing = set(Company.objects.values_list("name", flat=True))
        Company.objects.bulk_create(
            [
                Company(name=f"{name} ({country})", slug=slug_for(f"{name}-{country}"))
                for country, name in wanted
                if f"{name} ({country})" not in existing
            ]
        )
        ids = dict(Company.objects.values_list("name", "id"))
        companies: dict[str, list[tuple[int, str]]] = {}
        for country, name in wanted:
            companies.setdefault(country, []).append((ids[f"{name} ({country})"], name))
        return companies


def write_chunk(args: tuple) -> int:
    """Generate one chunk of rows from its own seed and COPY it in (runs in a worker)."""
    from django.db import connection as worker_connection

    seed, start, size, offset, companies, categories = args
    rng = random.Random(seed * 1_000_003 + start)
    writer = JobWriter(rng, timezone.now())
    markets = demo.MARKETS
    weights = [market.postings for market in markets]
    now = timezone.now()
    with (
        worker_connection.cursor() as cursor,
        cursor.connection.cursor().copy(
            f"COPY postings_posting ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy,
    ):
        for n in range(start, start + size):
            copy.write_row(
                make_row(writer, rng, markets, weights, companies, categories, offset + n, now)
            )
    worker_connection.close()
    return size


def make_row(writer, rng, markets, weights, companies, categories, n: int, now: datetime):
    market = rng.choices(markets, weights=weights)[0]
    role, family = writer.role()
    employment = weighted(rng, TYPE_WEIGHTS)
    status = weighted(rng, STATUS_WEIGHTS)
    published_at, expires_at = writer.dates(status, live=False)
    if status == "expired":
        # A long tail of old postings: a real board keeps them for months.
        published_at -= timedelta(days=rng.uniform(0, 300))
        expires_at = published_at + timedelta(days=45)
    company_id, company = rng.choice(companies[market.country])
    category_id, category_names = categories[role.category]
    city = rng.choice(market.cities)
    language = market.language
    title = writer.title(role, language, employment)
    pick = writer.pick(family, internship=employment == "internship")
    texts = writer.texts(language, family, pick, company=company, city=city)
    salary = writer.salary(market.country, family, employment)
    domain = slug_for(company)
    external_id = f"gen-{n:07d}"
    return (
        language,
        title,
        posting_slug(title),
        company_id,
        category_id,
        market.country,
        city,
        "onsite" if family == "field" else rng.choice(("onsite", "onsite", "hybrid", "remote")),
        employment,
        texts["description"],
        texts["responsibilities"],
        texts["requirements"],
        texts["nice_to_have"],
        salary.get("salary_min"),
        salary.get("salary_max"),
        salary.get("salary_currency", ""),
        salary.get("salary_period", ""),
        f"https://jobs.{domain}.example/{external_id}",
        "",
        status,
        published_at,
        expires_at,
        SOURCE,
        external_id,
        now,
        now,
        f"{company} {category_names[language]}",
        # As Posting.fill_search_text() writes them.
        stems(language, title, " ".join(texts[field] for field in Posting.HTML_FIELDS)),
        "",
        "",
        "",  # language_check: never checked, as an imported posting before the check ran
        "",
    )


COMMON_MATCHES_ADDED = "postings_common_matches_added"


def rebuild() -> None:
    """Recreate the GIN indexes, then recount the facets, make the search rows, turn the
    triggers back on and bump the data version in one transaction, so that no reader sees
    counts or matches that disagree."""
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS posting_search_idx ON postings_posting "
            "USING gin (search_vector)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS posting_title_trgm_idx ON postings_posting "
            "USING gin (title gin_trgm_ops)"
        )
    cells = ", ".join(FacetCount.CELL)
    recount = (
        f"INSERT INTO postings_facetcount ({cells}, n) SELECT {cells}, count(*) "  # noqa: S608
        f"FROM postings_posting WHERE status = 'published' GROUP BY {cells}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_facetcount")
        cursor.execute(recount)
        cursor.execute("ALTER TABLE postings_posting ENABLE TRIGGER postings_inserted")
        # The search rows, made again from every published posting, then indexed; no posting
        # is written meanwhile (the lock the triggers' own writes take, held to the commit).
        cursor.execute("LOCK TABLE postings_posting IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("TRUNCATE postings_searchrow")
        # Without the common searches' matches (postings.common_searches), which the trigger
        # would test each row for: the next sweep reads them again, in one query each.
        cursor.execute("UPDATE postings_commonsearch SET filled_at = NULL")
        cursor.execute(f"ALTER TABLE postings_searchrow DISABLE TRIGGER {COMMON_MATCHES_ADDED}")
        cursor.execute(FILL_SEARCH_ROWS)
        cursor.execute(f"ALTER TABLE postings_searchrow ENABLE TRIGGER {COMMON_MATCHES_ADDED}")
        cursor.execute(CREATE_SEARCH_ROW_INDEXES)
        cursor.execute("ALTER TABLE postings_posting ENABLE TRIGGER postings_search_rows_inserted")
        cursor.execute("UPDATE postings_dataversion SET n = n + 1")
        cursor.execute(
            "SELECT postings_bump_languages(ARRAY(SELECT language FROM postings_languageversion))"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE postings_posting, postings_company, postings_facetcount")
        # Vacuumed too: a list page's ids are read from the search rows' indexes alone only
        # where the visibility map says their pages hold no row to check (selectors.search).
        cursor.execute("VACUUM (ANALYZE) postings_searchrow")
