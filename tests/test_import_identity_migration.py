"""Migration 0011 moves the postings imported before to their source's namespace: re-imports
keep updating them instead of making duplicates."""

import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from postings import services
from postings.models import ImportRun, ImportSource, Posting

BEFORE = [("postings", "0010_company_logo")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_the_postings_imported_before_the_migration_importable(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        company = old.get_model("postings", "Company")
        acme = company.objects.create(name="Acme", slug="acme", trusted=True)
        globex = company.objects.create(name="Globex", slug="globex", trusted=True)
        source = old.get_model("postings", "ImportSource").objects.create(
            company=acme, name="acme-feed", feed="feeds/acme.jsonl"
        )
        posting = old.get_model("postings", "Posting")
        rows = [
            (acme, "acme-feed", "1"),  # the panel feed's
            (globex, "acme-feed", "2"),  # an operator's import under the same name
            (acme, f"api:{acme.pk}", "REQ-1"),  # the partner API's
            (acme, "demo", "demo-0001"),
        ]
        for owner, name, external_id in rows:
            posting.objects.create(
                company=owner,
                source=name,
                external_id=external_id,
                language="fr",
                title="Avant",
                slug="avant",
                country="FR",
                description="x",
                status="published",
                published_at=timezone.now(),
            )
    finally:
        migrate(latest)

    assert sorted(Posting.objects.values_list("company__name", "source", "external_id")) == [
        ("Acme", "api", "REQ-1"),
        ("Acme", "demo", "demo-0001"),
        ("Acme", f"feed:{source.pk}", "1"),
        ("Globex", "cli:acme-feed", "2"),
    ]
    feed = ImportSource.objects.get(pk=source.pk)
    feed.feed = ContentFile(
        json.dumps(
            {
                "external_id": "1",
                "language": "fr",
                "title": "Après",
                "company": "Acme",
                "country": "FR",
                "description": "x",
            }
        ),
        name="acme.jsonl",
    )
    feed.save()
    run = ImportRun.objects.create(source=feed)
    services.run_import(run=run)
    run.refresh_from_db()
    assert (run.created, run.updated) == (0, 1)
    assert Posting.objects.get(external_id="1").title == "Après"
