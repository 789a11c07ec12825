"""Migrations 0030 and 0032 give the German and Dutch postings stored before them their titles'
parts (0032: the parts inside), in their vectors and their search rows, and leave the search
rows kept by their triggers."""

import io
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from postings import selectors
from postings.models import Posting, SearchRow
from tests.test_import_identity_migration import migrate

BEFORE = [("postings", "0029_search_rows_no_vector_statistics")]
FIRST_LINE = "split_part(search_stems, E'\\n', 1)"


def found(language: str, text: str) -> list[str]:
    results = selectors.search(language, selectors.Filters(q=text), [], page=1, per_page=10)
    return sorted(posting.title for posting in results.postings)


def stored(old, *postings: tuple[str, str, str], parts=lambda language, title: "") -> None:
    """Published postings (language, country, title) written with the models of an earlier
    migration, their `search_stems` as `parts` gives them (none, as a historical model writes)."""
    company, _ = old.get_model("postings", "Company").objects.get_or_create(
        name="Acme", slug="acme"
    )
    posting = old.get_model("postings", "Posting")
    for language, country, title in postings:
        posting.objects.create(
            company=company,
            language=language,
            title=title,
            slug="job",
            country=country,
            description="<p>Text</p>",
            status="published",
            published_at=timezone.now(),
            search_stems=parts(language, title),
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_finds_the_compound_titles_stored_before_the_migration_by_their_parts():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        stored(
            old,
            ("de", "DE", "Java-Softwareentwicklerin"),
            ("de", "DE", "Buchhalter"),
            ("nl", "NL", "Servicemonteur"),
            ("en", "GB", "Software developer"),
        )
    finally:
        migrate(latest)

    assert found("de", "Entwickler") == ["Java-Softwareentwicklerin"]
    assert found("de", "Software") == ["Java-Softwareentwicklerin"]
    assert found("nl", "monteur") == ["Servicemonteur"]
    assert found("en", "developer") == ["Software developer"]
    assert SearchRow.objects.count() == 4
    # The search rows follow an update again (their trigger is back on).
    accountant = Posting.objects.get(title="Buchhalter")
    accountant.title = "Lohnbuchhalter"
    accountant.save()
    assert found("de", "Buchhalter") == ["Lohnbuchhalter"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_finds_the_parts_inside_the_compound_titles_stored_before_the_migration():
    from postings.search import TITLE_VECTOR_SQL, search_query, title_parts

    migration = import_module("postings.migrations.0032_compound_parts_inside")
    assert FIRST_LINE in TITLE_VECTOR_SQL

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([("postings", "0031_search_rows_newest_indexes")])
    try:
        # As the code before 0032 wrote them: the ends and starts alone.
        stored(
            old,
            ("de", "DE", "Lagerlogistikmitarbeiter"),
            ("nl", "NL", "Klantenservicemedewerker"),
            ("de", "DE", "Koch"),
            parts=lambda language, title: title_parts(language, title).split("\n")[0],
        )
        # As the new release, whose pods roll while the migration runs, writes them, under the
        # view of then, whose title vector reads all of `search_stems`.
        title_vector = TITLE_VECTOR_SQL.replace(FIRST_LINE, "search_stems")
        view = f"""
            SELECT {migration.COLUMNS}, {title_vector} AS title_vector, search_vector
            FROM postings_posting WHERE status = 'published'
        """  # noqa: S608 (the migration's and search.py's constant SQL)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE OR REPLACE VIEW postings_searchrow_source AS {view}")
        stored(old, ("de", "DE", "Bauprojektleiter"), parts=title_parts)
        # Not found yet (asked of the search rows: this code's search reads tables of later
        # migrations too).
        logistik = SearchRow.objects.filter(search_vector=search_query("de", "Logistik"))
        assert not logistik.exists()
    finally:
        migrate(latest)

    assert found("de", "Logistik") == ["Lagerlogistikmitarbeiter"]
    assert found("de", "Mitarbeiter") == ["Lagerlogistikmitarbeiter"]
    assert found("nl", "service") == ["Klantenservicemedewerker"]
    assert found("de", "Koch") == ["Koch"]
    # The title vector, which ranks, holds the ends and starts, not the parts inside.
    for title, end, inside in (
        ("Lagerlogistikmitarbeiter", "mitarbeit", "logist"),
        ("Bauprojektleiter", "leit", "projekt"),
    ):
        row = SearchRow.objects.get(title=title)
        lexemes = {entry.split(":")[0].strip("'") for entry in row.title_vector.split()}
        assert end in lexemes
        assert inside not in lexemes, title
    assert found("de", "Projekt") == ["Bauprojektleiter"]


@pytest.mark.django_db
def test_it_gives_their_parts_to_the_postings_an_older_release_wrote_without(client):
    from django.core.management import call_command

    from tests import factories
    from tests.test_search import titles

    posting = factories.live_posting(language="de", country="DE", title="Softwareentwicklerin")
    factories.live_posting(language="de", country="DE", title="Buchhalter")
    # As a release before migration 0030 wrote it.
    Posting.objects.filter(pk=posting.pk).update(search_stems="")
    assert titles(client, "/de/jobs/?q=Entwickler") == []
    out = io.StringIO()
    call_command("fill_title_parts", stdout=out)
    assert out.getvalue().strip() == "Postings given their titles' parts: 1."
    assert titles(client, "/de/jobs/?q=Entwickler") == ["Softwareentwicklerin"]
    call_command("fill_title_parts", stdout=out)
    assert out.getvalue().strip().endswith("Postings given their titles' parts: 0.")
