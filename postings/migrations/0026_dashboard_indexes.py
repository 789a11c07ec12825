# The company dashboard's page from indexes (issue 17): the postings never counted get their
# total (0, 0), in batches (a view of one of them waits for its batch only); then, built
# concurrently like 0019 since a live board keeps taking writes, the totals' indexes in each
# sort's order (ties newest first, so each way has its own) and the postings' by title and by
# status. A posting's days are read through their unique (posting, day) index alone: the
# foreign key's own index, on the posting only, let the planner read every day of a posting
# for the last 30 (and cost each counted view one more index write).

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

BATCH = 20_000


def add_zero_totals(apps, schema_editor) -> None:
    Posting = apps.get_model("postings", "Posting")
    last = Posting.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, last + 1, BATCH):
            cursor.execute(
                """
                INSERT INTO postings_postingtotal (posting_id, company_id, views, applies)
                SELECT id, company_id, 0, 0 FROM postings_posting
                WHERE id >= %s AND id < %s
                ON CONFLICT (posting_id) DO NOTHING
                """,
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("postings", "0025_posting_totals"),
    ]

    operations = [
        migrations.RunPython(add_zero_totals, migrations.RunPython.noop),
        AddIndexConcurrently(
            model_name="postingtotal",
            index=models.Index(fields=["company", "views", "posting"], name="postingtotal_views_idx"),
        ),
        AddIndexConcurrently(
            model_name="postingtotal",
            index=models.Index(
                fields=["company", "views", "-posting"], name="postingtotal_views_up_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="postingtotal",
            index=models.Index(
                fields=["company", "applies", "posting"], name="postingtotal_applies_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="postingtotal",
            index=models.Index(
                fields=["company", "applies", "-posting"], name="postingtotal_applies_up_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="postingtotal",
            index=models.Index(fields=["company", "last_day"], name="postingtotal_last_day_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(fields=["company", "title", "id"], name="posting_company_title_idx"),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(
                fields=["company", "status", "id"], name="posting_company_status_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="posting",
            index=models.Index(
                fields=["company", "status", "-id"], name="posting_company_status_up_idx"
            ),
        ),
        migrations.AlterField(
            model_name="postingday",
            name="posting",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="days",
                to="postings.posting",
            ),
        ),
    ]
