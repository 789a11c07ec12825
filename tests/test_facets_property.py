"""Facet counts against a naive count in Python, over random boards and filters (rule 4 of
docs/design.md)."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postings import common_searches, places, selectors
from postings.models import Category, CommonSearch, Company, ExchangeRate, Posting

LANGUAGES = ["fr", "de"]
COUNTRIES = ["FR", "BE", "DE", "CH"]
CATEGORIES = [None, "sales", "design"]
TYPES = ["full_time", "part_time"]
REMOTES = ["onsite", "hybrid", "remote"]
STATES = ["live", "old", "unswept", "expired", "draft", "scheduled", "closed"]
SALARIES = [
    None,
    (30, "hour", "EUR"),
    (3000, "month", "EUR"),
    (45000, "year", "EUR"),
    (80000, "year", "EUR"),
    (15000, "month", "PLN"),
    (200000, "year", "PLN"),
    (85000, "year", "CHF"),
    (40, "hour", "CHF"),
    (42548, "year", "PLN"),  # 10 000 € exactly: a rounding would move it across the minimum
]
RATES = {"EUR": Decimal(1), "PLN": Decimal("4.2548"), "CHF": Decimal("0.9309")}
# Km from Lyon of the French cities of these names; elsewhere they are not known.
FROM_LYON = {"Lyon": 0, "Villeurbanne": 3, "Grenoble": 93, "Paris": 392}
CITIES = ["", *FROM_LYON]

postings_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "language": st.sampled_from(LANGUAGES),
            "country": st.sampled_from(COUNTRIES),
            "category": st.sampled_from(CATEGORIES),
            "employment_type": st.sampled_from(TYPES),
            "remote": st.sampled_from(REMOTES),
            "state": st.sampled_from(STATES),
            # "Betaalpha": a compound, found by its part "alpha" in German only.
            "word": st.sampled_from(["alpha", "beta", "Betaalpha"]),
            "salary": st.sampled_from(SALARIES),
            "city": st.sampled_from(CITIES),
        }
    ),
    max_size=30,
)
COMPOUND_EXAMPLE = {
    "language": "de",
    "country": "DE",
    "category": None,
    "employment_type": "full_time",
    "remote": "onsite",
    "state": "live",
    "salary": None,
    "city": "",
}
facet_filters = {
    "country": st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=2),
    "category": st.sampled_from(["", "sales", "design"]),
    "type": st.sampled_from(["", *TYPES]),
    "remote": st.sampled_from(["", *REMOTES]),
}
no_row_filters = {
    "q": st.just(""),
    "salary_min": st.none(),
    "salary_period": st.just(""),
    "salary_currency": st.just(""),
    "with_salary": st.just(False),
    "posted_within": st.none(),
    "where": st.just(""),
    "radius": st.none(),
    "sort": st.just(""),
}
row_filters = {
    "q": st.sampled_from(["", "alpha"]),
    "salary_min": st.sampled_from([None, 40, 3500, 10000, 40000, 60000]),
    "salary_period": st.sampled_from(["", "month", "hour"]),
    "salary_currency": st.sampled_from(["", "EUR", "PLN", "CHF"]),
    "with_salary": st.booleans(),
    "posted_within": st.sampled_from([None, 3]),
    "where": st.sampled_from(["", "Lyon"]),
    "radius": st.sampled_from([10, 25, 100]),
    # A text's matches are kept in the order asked.
    "sort": st.sampled_from(["", "date"]),
}
# Facet filters alone are answered from the counts table; with row filters, from the postings:
# both paths, a text alone and a "where" alone, about a quarter of the time each.
# A "where" alone takes a path of its own (near postings, plus the remote ones from the counts).
where_alone = {**no_row_filters, "where": st.just("Lyon"), "radius": st.sampled_from([10, 25, 100])}
# A text with facets and an age alone: what a common search's kept matches answer.
text_alone = {
    **no_row_filters,
    "q": st.just("alpha"),
    "posted_within": st.sampled_from([None, 3]),
    "sort": st.sampled_from(["", "date"]),
}
filters_strategy = (
    st.fixed_dictionaries({**facet_filters, **no_row_filters})
    | st.fixed_dictionaries({**facet_filters, **text_alone})
    | st.fixed_dictionaries({**facet_filters, **row_filters})
    | st.fixed_dictionaries({**facet_filters, **where_alone})
)


def make_board(specs: list[dict]) -> None:
    now = timezone.now()
    company = Company.objects.get_or_create(name="Acme", slug="acme")[0]
    categories = {c.slug: c for c in Category.objects.all()}
    dates = {
        "live": ("published", now - timedelta(days=1), now + timedelta(days=10)),
        "old": ("published", now - timedelta(days=10), None),
        "unswept": ("published", now - timedelta(days=40), now - timedelta(days=1)),
        "expired": ("expired", now - timedelta(days=40), now - timedelta(days=1)),
        "draft": ("draft", None, None),
        "scheduled": ("published", now + timedelta(days=1), now + timedelta(days=30)),
        "closed": ("closed", now - timedelta(days=2), now + timedelta(days=10)),
    }
    postings = []
    for n, spec in enumerate(specs):
        status, published_at, expires_at = dates[spec["state"]]
        amount, period, currency = spec["salary"] or (None, "", "")
        postings.append(
            Posting(
                language=spec["language"],
                title=f"{spec['word']} job {n}",
                slug="job",
                company=company,
                category=categories.get(spec["category"]),
                country=spec["country"],
                city=spec["city"],
                employment_type=spec["employment_type"],
                remote=spec["remote"],
                description="<p>Text</p>",
                status=status,
                published_at=published_at,
                expires_at=expires_at,
                salary_min=amount,
                salary_currency=currency,
                salary_period=period,
            )
        )
    for posting in postings:  # as every write path does (a German title's parts)
        posting.fill_search_text()
    Posting.objects.bulk_create(postings)


def new_board(specs: list[dict]) -> None:
    """The board of `specs` alone, with the rates of RATES (hypothesis runs the examples of a
    test in one database)."""
    Posting.objects.all().delete()
    ExchangeRate.objects.all().delete()
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(currency=code, rate=rate, day=date(2025, 10, 9))
            for code, rate in RATES.items()
        ]
    )
    make_board(specs)


def text_matches(posting: Posting, query: str) -> bool:
    """The title's first word is the query, or in German starts or ends with it (a compound's
    part)."""
    first = posting.title.split()[0].lower()
    compound = posting.language == "de" and (first.startswith(query) or first.endswith(query))
    return first == query or compound


def naive(language: str, filters: dict) -> tuple[set[int], dict[str, Counter]]:
    now = timezone.now()

    def live(p: Posting) -> bool:
        return (
            p.status == "published"
            and p.published_at is not None
            and p.published_at <= now
            and (p.expires_at is None or p.expires_at > now)
        )

    def salary_ok(p: Posting) -> bool:
        if p.salary_min is None:
            return not filters["with_salary"]
        # In euros, exactly: the top made yearly over its currency's rate against the seeker's
        # minimum made yearly over theirs (the board's default: euros in French and German).
        per_year = {"hour": 40 * 52, "month": 12, "year": 1, "": 1}
        top = Fraction(p.salary_min * per_year[p.salary_period]) / Fraction(
            RATES[p.salary_currency]
        )
        wanted = (filters["salary_min"] or 0) * per_year[filters["salary_period"]]
        return top >= Fraction(wanted) / Fraction(RATES[filters["salary_currency"] or "EUR"])

    def facet_values(p: Posting) -> dict[str, str]:
        return {
            # django-stubs types a CountryField as the CharField it extends: it is a Country.
            "country": p.country.code,  # type: ignore[attr-defined]
            "category": p.category.slug if p.category else "",
            "type": p.employment_type,
            "remote": p.remote,
        }

    def where_ok(p: Posting, remote: str) -> bool:
        """Within the radius, or remote when remote work is what is asked."""
        if not filters["where"]:
            return True
        km = FROM_LYON.get(p.city) if p.country == "FR" else None
        return (km is not None and km <= filters["radius"]) or p.remote == remote == "remote"

    def facet_ok(facet: str, value: str) -> bool:
        wanted = filters[facet]
        if facet == "country":
            return not wanted or value in wanted
        return not wanted or value == wanted

    base = [
        p
        for p in Posting.objects.select_related("category")
        if p.language == language
        and live(p)
        and (not filters["q"] or text_matches(p, filters["q"]))
        and (filters["salary_min"] is None and not filters["with_salary"] or salary_ok(p))
        and (
            not filters["posted_within"]
            or (p.published_at or now) >= now - timedelta(days=filters["posted_within"])
        )
    ]
    counts: dict[str, Counter] = {
        facet: Counter() for facet in ("country", "category", "type", "remote")
    }
    matching = set()
    for p in base:
        values = facet_values(p)
        for facet in counts:
            others_ok = all(facet_ok(other, values[other]) for other in counts if other != facet)
            asked = values["remote"] if facet == "remote" else filters["remote"]
            if others_ok and where_ok(p, asked) and values[facet]:
                counts[facet][values[facet]] += 1
        if all(facet_ok(facet, values[facet]) for facet in counts) and where_ok(
            p, filters["remote"]
        ):
            matching.add(p.pk)
    return matching, counts


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=postings_strategy,
    filters=filters_strategy,
    language=st.sampled_from(LANGUAGES),
    sweep=st.booleans(),
    kept=st.booleans(),
)
# Always tried: a German compound found by its part, beside a whole word, across two countries.
@example(
    specs=[
        {**COMPOUND_EXAMPLE, "word": "Betaalpha"},
        {**COMPOUND_EXAMPLE, "word": "alpha", "country": "CH"},
        {**COMPOUND_EXAMPLE, "word": "beta"},
    ],
    filters={
        "country": ["DE"],
        "category": "",
        "type": "",
        "remote": "",
        "q": "alpha",
        "salary_min": None,
        "salary_period": "",
        "salary_currency": "",
        "with_salary": False,
        "posted_within": None,
        "where": "",
        "radius": None,
    },
    language="de",
    sweep=False,
    kept=True,
)
def test_it_counts_facets_like_a_naive_count(specs, filters, language, sweep, kept):
    new_board(specs)
    CommonSearch.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_commonmatch")
    if kept and filters["q"]:  # its matches kept (postings.common_searches), then written
        common_searches.add(language, filters["q"])
        common_searches.fill_due()
    if sweep:  # the expiry sweep changes statuses behind the counts' back: they must follow
        Posting.objects.filter(status="published", expires_at__lte=timezone.now()).update(
            status="expired"
        )
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.slug == filters["category"]), None)
    place = places.find(filters["where"]) if filters["where"] else None
    results = selectors.search(
        language,
        selectors.Filters(**{**filters, "category": category, "place": place}),
        categories,
        page=1,
        per_page=100,
    )
    matching, counts = naive(language, filters)
    assert {p.pk for p in results.postings} == matching
    assert results.total == len(matching)
    for facet, expected in counts.items():
        shown = {value.value: value.count for value in results.facets[facet] if value.count}
        assert shown == dict(expected), facet


@pytest.mark.django_db
def test_it_keeps_the_country_list_exact_after_every_kind_of_write(client, tmp_path):
    import json

    from django.core.management import call_command

    from postings.services import expire_due_postings
    from tests import factories

    def countries() -> dict[str, int]:
        return {value.value: value.count for value in selectors.country_list("fr")}

    posting = factories.live_posting(language="fr", country="FR")
    assert countries() == {"FR": 1}
    posting.country = "BE"  # an edit
    posting.save()
    assert countries() == {"BE": 1}
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "external_id": "1",
                    "language": "fr",
                    "title": "Vendeur",
                    "company": "Acme",
                    "country": "CH",
                    "description": "x",
                }
            ]
        )
    )
    call_command("import_postings", str(feed))  # an import
    assert countries() == {"BE": 1, "CH": 1}
    Posting.objects.filter(pk=posting.pk).update(expires_at=timezone.now())  # time passes
    assert countries() == {"CH": 1}
    expire_due_postings()  # the sweep
    assert countries() == {"CH": 1}
    Posting.objects.filter(country="CH").update(status="closed")  # a bulk close
    assert countries() == {}
    factories.live_posting(language="fr", country="LU")
    assert countries() == {"LU": 1}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are deferred
        cursor.execute("TRUNCATE postings_posting CASCADE")
    assert countries() == {}
    assert "?country=" not in client.get("/fr/").content.decode()


# Hours from now of a posting's publication and expiry: before, inside and after a window of
# two hours that starts now, or none.
clock_strategy = st.lists(
    st.tuples(st.sampled_from([-5, -1, 1, 3]), st.sampled_from([None, -1, 1, 3])),
    min_size=30,
    max_size=30,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=postings_strategy,
    clock=clock_strategy,
    filters=filters_strategy,
    language=st.sampled_from(LANGUAGES),
)
def test_it_brings_a_search_to_a_later_moment_like_searching_again(specs, clock, filters, language):
    """What a search found, caught up by the postings that went live or expired by the clock
    since (a page the page cache has not stored, in a language that changed by the clock), is
    what searching again finds."""
    new_board([{**spec, "state": "live"} for spec in specs])
    then = timezone.now()
    for posting, (published, expires) in zip(Posting.objects.order_by("id"), clock, strict=False):
        posting.published_at = then + timedelta(hours=published)
        posting.expires_at = None if expires is None else then + timedelta(hours=expires)
        posting.save(update_fields=["published_at", "expires_at"])
    now = then + timedelta(hours=2)
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.slug == filters["category"]), None)
    place = places.find(filters["where"]) if filters["where"] else None
    search = selectors.Filters(**{**filters, "category": category, "place": place})
    per_page = 2  # an order of 100 matches (50 pages), and 10 to spare
    before = selectors._find(language, search, categories, per_page, then)
    caught_up = selectors._caught_up(language, search, categories, per_page, before, then, now)
    again = selectors._find(language, search, categories, per_page, now)
    if caught_up is None:  # a text search that gained a match is made again
        assert search.q
        return
    assert caught_up.total == again.total
    assert caught_up.facets == again.facets
    # The same first matches, each with its publication.
    kept = len(caught_up.ranked)
    assert caught_up.ranked.keys(0, kept) == again.ranked.keys(0, kept)
    if search.q:
        assert len(caught_up.ranked) >= min(again.total, selectors.MAX_PAGES * per_page)
