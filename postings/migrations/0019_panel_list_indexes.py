# The panel over a million postings (issue 17): its list's filters on rare values (status,
# language), the dates moderators sort by, the search by a feed's id, a company's postings
# newest first (replacing the plain index of the foreign key) and its live ones counted on its
# dashboard, and the moderation queue in its full order (submitted_at, id). Without them each
# such page read the whole table, or all of a company's rows, or sorted every pending posting.
# Built concurrently: a live board keeps taking writes (imports, edits) while they build, which
# needs a migration outside a transaction.

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("postings", "0018_language_check"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["company", "id"], name="posting_company_recent_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["company", "expires_at"],
                name="posting_company_live_idx",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="company",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="postings",
                to="postings.company",
                verbose_name="company",
            ),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["submitted_at", "id"],
                name="posting_pending_queue_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="posting", name="posting_pending_idx"),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["status", "id"], name="posting_status_recent_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["language", "id"], name="posting_language_recent_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["published_at", "id"], name="posting_published_at_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["expires_at", "id"], name="posting_expires_at_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=["external_id"],
                name="posting_external_id_idx",
            ),
        ),
    ]
