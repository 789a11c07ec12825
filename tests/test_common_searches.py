"""Common searches: the texts that match many postings, whose matches are kept by triggers
(migration 0033) and read instead of the search rows (postings.common_searches)."""

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import hypothesis
import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from postings import caching, common_searches, selectors, tasks
from postings.models import Category, CommonSearch, Posting
from postings.services import expire_due_postings
from tests import factories
from tests.test_facets_property import STATES, new_board

pytestmark = pytest.mark.django_db

COLUMNS = (
    "search_id, posting_id, country, category_id, employment_type, remote, rank, published_at,"
    " expires_at"
)


def kept_matches() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM postings_commonmatch ORDER BY 1, 2")  # noqa: S608
        return cursor.fetchall()


def made_afresh() -> list[tuple]:
    """The common searches' matches as the search rows make them now."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT search.id, posting_id, country, category_id, employment_type, remote,
                ts_rank(title_vector, search.query::tsquery)::float8, published_at, expires_at
            FROM postings_searchrow row JOIN postings_commonsearch search
                ON search.language = row.language AND row.search_vector @@ search.query::tsquery
            ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


def keep(language: str, text: str) -> None:
    common_searches.add(language, text)
    common_searches.fill_due()


def test_it_keeps_the_matches_in_step_with_any_sequence_of_writes():
    rng = random.Random(33)
    words = {
        "en": ["Python", "nurse"],
        "de": ["Entwicklerin", "Lagerist"],
        "fr": ["développeuse", "infirmier"],
        "pl": ["księgowa", "kierowca"],
    }
    keep("en", "python")
    keep("de", "Entwickler")
    keep("fr", "développeur")
    keep("pl", "księgowy")
    postings, most = [], 0
    for step in range(60):
        action = rng.choice(
            ["create"] * 4 + ["edit", "status", "bulk", "row", "language", "expire", "delete"]
        )
        if action == "create" or not postings:
            maker = rng.choice([factories.live_posting] * 3 + [factories.draft_posting])
            language = rng.choice(list(words))
            title = f"{rng.choice(words[language])} {step}"
            postings.append(maker(language=language, title=title, country="DE"))
        elif action == "edit":
            posting = rng.choice(postings)
            posting.title = f"{rng.choice(words[posting.language])} edited {step}"
            posting.remote = rng.choice(list(Posting.Remote))
            posting.save()
        elif action == "status":
            posting = rng.choice(postings)
            status = rng.choice(list(Posting.Status))
            published = timezone.now() - timedelta(days=rng.randrange(30))
            Posting.objects.filter(pk=posting.pk).update(status=status, published_at=published)
        elif action == "bulk":
            Posting.objects.filter(pk__in=[p.pk for p in postings[::3]]).update(
                country=rng.choice(["AT", "CH"]), remote=rng.choice(list(Posting.Remote))
            )
        elif action == "row":  # a search row updated in place: its matches made again
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE postings_searchrow SET remote = 'remote', published_at = %s"
                    " WHERE posting_id = %s",
                    [timezone.now() - timedelta(days=2), rng.choice(postings).pk],
                )
        elif action == "language":  # corrected: the posting's matches move with it
            Posting.objects.filter(pk=rng.choice(postings).pk).update(language="en")
        elif action == "expire":
            posting = rng.choice(postings)
            Posting.objects.filter(pk=posting.pk).update(expires_at=timezone.now())
            expire_due_postings()
        else:
            postings.pop(rng.randrange(len(postings))).delete()
        kept = kept_matches()
        assert kept == made_afresh(), f"after step {step} ({action})"
        most = max(most, len(kept))
    assert most >= 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_empties_the_matches_with_the_postings():
    factories.live_posting(language="en", title="Python developer")
    keep("en", "python")
    assert len(kept_matches()) == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE postings_posting CASCADE")
    assert kept_matches() == []


def board() -> None:
    """Python jobs of several countries, types, ages and ranks (in the title or the text)."""
    rng = random.Random(18)
    for n in range(24):
        in_title = n % 3 != 0
        factories.live_posting(
            language="en",
            title=f"Python developer {n}" if in_title else f"Backend engineer {n}",
            description="<p>Python, Django and PostgreSQL.</p>",
            country=rng.choice(["GB", "IE", "DE"]),
            employment_type=rng.choice(["full_time", "part_time"]),
            remote=rng.choice(list(Posting.Remote)),
            published_at=timezone.now() - timedelta(days=rng.randrange(40), hours=n),
            expires_at=timezone.now() + timedelta(days=rng.choice([1, 10, 60])),
        )
    factories.live_posting(language="de", title="Python-Entwickler", country="DE")
    factories.draft_posting(language="en", title="Python developer, draft")


def found(filters: selectors.Filters, language: str = "en") -> tuple:
    categories = list(Category.objects.all())
    results = selectors.search(language, filters, categories, page=1, per_page=10)
    facets = {name: [(v.value, v.count) for v in values] for name, values in results.facets.items()}
    return results.keys, results.total, facets


@pytest.mark.parametrize(
    "filters",
    [
        selectors.Filters(q="python"),
        selectors.Filters(q="Python", country=("GB", "IE")),
        selectors.Filters(q="python", type="part_time", remote="remote"),
        selectors.Filters(q="python", posted_within=7),
        selectors.Filters(q="python", sort="date"),
    ],
)
def test_it_finds_the_same_pages_and_facets_in_the_kept_matches(filters):
    board()
    keep("en", "python")
    assert CommonSearch.objects.get().filled_at is not None
    # One transaction: now(), which the scores fade by, is the same for both.
    from_kept = found(filters)
    CommonSearch.objects.update(filled_at=None)  # read from the search rows
    from_search_rows = found(filters)
    assert from_kept == from_search_rows
    assert from_kept[1] > 0


def test_it_reads_a_kept_search_from_its_matches():
    board()
    keep("en", "python")
    oldest = Posting.objects.filter(language="en", status="published").earliest("published_at")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE postings_commonmatch SET rank = 100 WHERE posting_id = %s", [oldest.pk]
        )
    first = found(selectors.Filters(q="python"))[0][0]
    assert first[0] == oldest.pk
    # With a salary filter, which the kept matches cannot answer, from the search rows.
    first = found(selectors.Filters(q="python", salary_min=1, with_salary=False))[0][0]
    assert first[0] != oldest.pk


def test_it_keeps_a_text_that_a_search_found_common_after_the_sweep(client, settings):
    settings.COMMON_SEARCH_MATCHES = 3
    for n in range(4):
        factories.live_posting(language="en", title=f"Python developer {n}")
    factories.live_posting(language="en", title="Java developer")
    factories.live_posting(language="en", title="Java engineer")

    assert client.get("/en/jobs/?q=python").status_code == 200
    assert client.get("/en/jobs/?q=java").status_code == 200  # 2 matches: not common
    assert client.get("/en/jobs/?q=pythons&salary_min=1").status_code == 200  # rows filtered
    assert not CommonSearch.objects.exists()  # a read writes nothing

    assert tasks.fill_common_searches() == 1

    assert CommonSearch.objects.get().language == "en"
    assert len(kept_matches()) == 4
    # "Pythons" searches as "python" does: the same search, kept already.
    assert client.get("/en/jobs/?q=Pythons&page=2").status_code == 200
    assert tasks.fill_common_searches() == 0
    assert CommonSearch.objects.count() == 1


def test_it_keeps_at_most_a_language_s_share_of_searches(settings):
    settings.COMMON_SEARCHES_PER_LANGUAGE = 2
    for text in ("python", "java", "rust"):
        common_searches.add("en", text)
    common_searches.add("fr", "python")
    common_searches.add("xx", "python")  # no such language: nothing kept
    assert sorted(CommonSearch.objects.values_list("language", flat=True)) == ["en", "en", "fr"]

    # The least recently read gives way to a new text once no one read it for a day.
    java = CommonSearch.objects.get(language="en", query__contains="java")
    CommonSearch.objects.filter(pk=java.pk).update(read_at=timezone.now() - timedelta(hours=23))
    common_searches.add("en", "rust")
    assert not CommonSearch.objects.filter(query__contains="rust").exists()
    CommonSearch.objects.filter(pk=java.pk).update(read_at=timezone.now() - timedelta(hours=25))
    common_searches.add("en", "rust")
    kept = CommonSearch.objects.filter(language="en").values_list("query", flat=True)
    assert sorted(kept) == ["'python' | 'python'", "'rust' | 'rust'"]


@pytest.mark.parametrize(
    "text",
    [
        *("-zzqx", "python -zzqx", "(-zzqx)", "python(-zzqx)", "python!-zzqx", "python|-zzqx"),
        *("python OR zzq1", "python or zzq1", '"python developer"'),
    ],
)
def test_it_keeps_plain_words_only(client, settings, text):
    # A negated word matches nearly every posting, and each OR of a common word with a new one
    # searches as a text of its own: kept, they would fill the language's share.
    settings.COMMON_SEARCH_MATCHES = 2
    for n in range(3):
        factories.live_posting(language="en", title=f"Python developer {n}")
    assert client.get("/en/jobs/", {"q": text}).status_code == 200
    common_searches.add("en", text)
    assert tasks.fill_common_searches() == 0
    assert not CommonSearch.objects.exists()


def test_it_keeps_a_set_of_words_once_whatever_their_order_or_case():
    assert common_searches.plain("Python  developer python") == "developer python"
    assert common_searches.plain("Java-Entwickler") == "java-entwickler"
    for text in ("developer Python", "python developer", "PYTHON developer developer"):
        common_searches.add("en", text)
    assert CommonSearch.objects.count() == 1


def test_it_runs_one_sweep_at_a_time():
    factories.live_posting(language="en", title="Python developer")
    common_searches.add("en", "python")
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [common_searches.SWEEP_LOCK])
        assert common_searches.fill_due() == 0
        assert kept_matches() == []
    finally:
        with other.cursor() as cursor:  # before it goes back to the pool
            cursor.execute("SELECT pg_advisory_unlock_all()")
        other.close()
    assert common_searches.fill_due() == 1
    assert len(kept_matches()) == 1


@contextmanager
def an_uncommitted_posting() -> Iterator[None]:
    """A Python posting written by another connection, in a transaction that commits when the
    block ends."""
    written, release = threading.Event(), threading.Event()

    def write() -> None:
        with transaction.atomic():
            factories.live_posting(language="en", title="Python engineer")
            written.set()
            release.wait(10)
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(10)
    try:
        yield
    finally:
        release.set()
        writer.join(10)


def sweeping() -> threading.Thread:
    """The sweep, started in a thread of its own."""

    def sweep() -> None:
        common_searches.fill_due()
        connection.close()

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    return sweeper


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_leaves_a_search_for_the_next_sweep_when_writes_hold_the_rows_too_long():
    factories.live_posting(language="en", title="Python developer")
    common_searches.add("en", "python")
    with an_uncommitted_posting():
        started = time.monotonic()
        assert common_searches.fill_due() == 0  # after LOCK_TIMEOUT (2 s), not later
        assert time.monotonic() - started < 5
        assert CommonSearch.objects.get().filled_at is None
    assert common_searches.fill_due() == 1
    assert kept_matches() == made_afresh()
    assert len(kept_matches()) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_leaves_no_match_behind_a_search_it_drops_while_a_posting_is_written():
    factories.live_posting(language="en", title="Python developer")
    keep("en", "python")
    CommonSearch.objects.update(read_at=timezone.now() - timedelta(days=8))
    # The writer's triggers see the search, which the sweep drops before it commits.
    with an_uncommitted_posting():
        sweeper = sweeping()
        time.sleep(0.5)
    sweeper.join(10)
    assert not CommonSearch.objects.exists()
    assert kept_matches() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_misses_no_posting_written_while_it_reads_the_matches():
    factories.live_posting(language="en", title="Python developer")
    # Written before the search is common (its triggers do not keep it), committed after the
    # sweep started reading.
    with an_uncommitted_posting():
        common_searches.add("en", "python")
        sweeper = sweeping()
        time.sleep(0.5)
        assert sweeper.is_alive()  # waiting for the write to commit
    sweeper.join(10)
    assert len(kept_matches()) == 2
    assert kept_matches() == made_afresh()


@hypothesis.settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(
        st.fixed_dictionaries(
            {
                "language": st.just("de"),
                "country": st.sampled_from(["DE", "CH"]),
                "category": st.sampled_from([None, "sales"]),
                "employment_type": st.sampled_from(["full_time", "part_time"]),
                "remote": st.sampled_from(list(Posting.Remote)),
                "state": st.sampled_from(STATES),
                "word": st.sampled_from(["alpha", "beta", "Betaalpha"]),
                "salary": st.just(None),
                "city": st.just(""),
            }
        ),
        min_size=1,
        max_size=30,
    ),
    filters=st.builds(
        selectors.Filters,
        q=st.sampled_from(["alpha", "Alpha beta", "beta alpha alpha", "alpha OR beta"]),
        country=st.sampled_from([(), ("DE",), ("DE", "CH")]),
        type=st.sampled_from(["", "part_time"]),
        remote=st.sampled_from(["", "remote"]),
        posted_within=st.sampled_from([None, 3]),
        sort=st.sampled_from(["", "date"]),
    ),
    sweep=st.booleans(),
)
def test_it_finds_what_the_search_rows_find_on_any_board(specs, filters, sweep):
    new_board(specs)
    CommonSearch.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_commonmatch")
    keep("de", filters.q)
    if sweep:  # written after the fill: the triggers follow
        Posting.objects.filter(status="published", expires_at__lte=timezone.now()).update(
            status="expired"
        )
    from_kept = found(filters, "de")
    CommonSearch.objects.update(filled_at=None)
    assert from_kept == found(filters, "de")


@pytest.fixture(autouse=True)
def _no_search_marked_read():
    common_searches._marked.clear()


def test_it_marks_a_search_read_once_an_hour_and_drops_one_idle_for_a_week(client):
    board()
    keep("en", "python")
    keep("en", "developer")
    week_ago = timezone.now() - timedelta(days=7, minutes=1)
    CommonSearch.objects.update(read_at=week_ago)

    assert client.get("/en/jobs/?q=python").status_code == 200
    python = CommonSearch.objects.get(query__contains="python")
    assert python.read_at > week_ago
    CommonSearch.objects.filter(pk=python.pk).update(read_at=week_ago)
    assert client.get("/en/jobs/?q=python&page=2").status_code == 200
    python.refresh_from_db()
    assert python.read_at == week_ago  # this process marked it within the hour

    common_searches._marked.clear()
    cache.clear()  # its matches, kept for the page's data version: read again
    caching.recent.clear()
    assert client.get("/en/jobs/?q=python&country=GB").status_code == 200
    common_searches.fill_due()
    # The search no one read for a week is gone, with its matches.
    assert list(CommonSearch.objects.values_list("pk", flat=True)) == [python.pk]
    assert {row[0] for row in kept_matches()} == {python.pk}
