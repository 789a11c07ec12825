# The panel's list of postings over a million rows (issue 17): its filters on rare values
# (status, language), the dates moderators sort by, and the search by a feed's id; without
# them each such page read the whole table. Built concurrently: a live board keeps taking
# writes (imports, edits) while they build, which needs a migration outside a transaction.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("postings", "0018_language_check"),
    ]

    operations = [
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
