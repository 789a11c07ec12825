"""The search rows: the narrow copy of the published postings that a search counts and ranks
(migration 0028), kept by triggers whatever writes the postings."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from postings.models import Posting, SearchRow
from postings.services import expire_due_postings
from tests import factories
from tests.test_search import titles

pytestmark = pytest.mark.django_db


def search_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM postings_searchrow ORDER BY posting_id")
        return cursor.fetchall()


def made_afresh() -> list[tuple]:
    """The search rows as the published postings make them now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM postings_searchrow_source ORDER BY posting_id")
        return cursor.fetchall()


def test_it_keeps_no_statistics_on_the_search_vector_of_any_partition():
    # With them, PostgreSQL reads a whole partition for a common word instead of its GIN index
    # (migration 0029). A language's partition made later must be given the same setting.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname, attribute.attstattarget
            FROM pg_inherits JOIN pg_class parent ON parent.oid = inhparent
            JOIN pg_class child ON child.oid = inhrelid
            JOIN pg_attribute attribute
                ON attribute.attrelid = child.oid AND attribute.attname = 'search_vector'
            WHERE parent.relname = 'postings_searchrow'
            """
        )
        targets = dict(cursor.fetchall())
    assert set(targets) >= {f"postings_searchrow_{code}" for code in ("en", "de", "pl")}
    assert set(targets.values()) == {0}, targets


def test_it_finds_a_posting_by_its_new_title_and_not_by_its_old_one(client):
    posting = factories.live_posting(language="en", title="Warehouse operative")
    assert titles(client, "/en/jobs/?q=warehouse") == ["Warehouse operative"]

    posting.title = "Forklift driver"
    posting.save()

    assert titles(client, "/en/jobs/?q=warehouse") == []
    assert titles(client, "/en/jobs/?q=forklift") == ["Forklift driver"]


def test_it_moves_a_posting_whose_language_is_corrected(client):
    posting = factories.live_posting(language="en", title="Développeur Python")

    Posting.objects.filter(pk=posting.pk).update(language="fr")

    assert titles(client, "/en/jobs/?q=python") == []
    assert titles(client, "/fr/jobs/?q=python") == ["Développeur Python"]


def test_it_drops_what_is_unpublished_expired_deleted_or_truncated(client):
    withdrawn = factories.live_posting(language="en", title="Python developer, withdrawn")
    expiring = factories.live_posting(language="en", title="Python developer, expiring")
    deleted = factories.live_posting(language="en", title="Python developer, deleted")
    factories.draft_posting(language="en", title="Python developer, draft")
    assert len(titles(client, "/en/jobs/?q=python")) == 3

    withdrawn.close()
    withdrawn.save()
    Posting.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    expire_due_postings()
    deleted.delete()

    assert search_rows() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_empties_the_rows_with_the_postings():
    factories.live_posting(language="en", title="Python developer")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE postings_posting CASCADE")
    assert SearchRow.objects.count() == 0


def test_it_keeps_the_rows_in_step_with_any_sequence_of_writes():
    rng = random.Random(18)
    words = ["Python", "Lagerist", "Entwicklerin", "développeuse", "księgowa", "nurse"]
    postings, most = [], 0
    for step in range(60):
        action = rng.choice(["create"] * 3 + ["edit", "status", "bulk", "delete"])
        if action == "create" or not postings:
            maker = rng.choice([factories.live_posting] * 3 + [factories.draft_posting])
            language = rng.choice(["en", "de", "fr", "pl"])
            postings.append(
                maker(language=language, title=f"{rng.choice(words)} {step}", country="DE")
            )
        elif action == "edit":
            posting = rng.choice(postings)
            posting.title = f"{rng.choice(words)} edited {step}"
            posting.remote = rng.choice(list(Posting.Remote))
            posting.latitude, posting.longitude = 48.1 + step / 100, 11.5
            posting.save()
        elif action == "status":
            posting = rng.choice(postings)
            status = rng.choice(list(Posting.Status))
            published = timezone.now() - timedelta(days=1)
            Posting.objects.filter(pk=posting.pk).update(status=status, published_at=published)
        elif action == "bulk":
            Posting.objects.filter(pk__in=[p.pk for p in postings[::2]]).update(
                country=rng.choice(["AT", "CH"]), expires_at=timezone.now() + timedelta(days=3)
            )
        else:
            postings.pop(rng.randrange(len(postings))).delete()
        rows = search_rows()
        assert rows == made_afresh(), f"after step {step} ({action})"
        most = max(most, len(rows))
    assert most >= 5


def test_it_reads_the_matches_columns_as_postgresql_sends_them_and_refuses_others():
    from postings.selectors import Matches, _unsent

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
                (SELECT string_agg(float8send(v), '') FROM unnest('{1.5,-2,1e300}'::float8[]) v),
                (SELECT string_agg(int8send(v), '') FROM unnest(ARRAY[9007199254740993, -1]) v),
                (SELECT string_agg(int4send(v), '') FROM unnest(ARRAY[1, 2, 3]) v),
                (SELECT string_agg(int8send(v), '') FROM unnest(ARRAY[NULL]::int8[]) v)
            """
        )
        floats, integers, shorter, nothing = cursor.fetchone()
    assert list(_unsent(floats, "d")) == [1.5, -2.0, 1e300]
    assert list(_unsent(integers, "q")) == [9007199254740993, -1]
    for refused in (shorter, nothing):
        with pytest.raises(ValueError):
            _unsent(refused, "q")
    # A column shorter than the others (a null string_agg left out) is refused too.
    with pytest.raises(ValueError):
        Matches.of([("AT", floats, integers, integers)])
