# The panel's list of postings over a million rows (issue 17): its filters on rare values
# (status, language), the dates moderators sort by, the search by a feed's id, a company's
# postings newest first (replacing the plain index of the foreign key), and the moderation
# queue in its full order (submitted_at, id); without them each such page read the whole table
# or sorted every pending posting. Built concurrently: a live board keeps taking
# writes (imports, edits) while they build, which needs a migration outside a transaction.

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
import django.db.models.deletion
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
