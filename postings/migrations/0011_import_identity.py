# A posting's import identity becomes (source, external id, company), with sources in namespaces
# that no user input can name (issue 13): before, a company that named its feed like another's
# source (or "demo") took over those postings, and its full sync closed them.
#
# Existing rows move to the namespace of what wrote them, so re-imports keep updating them:
# - rows of a panel feed (the source's name, and the source's company) -> "feed:<source id>";
# - the partner API's "api:<company id>" -> "api" (the company is in the key now);
# - the demo data ("demo", "generated") stay;
# - any other name came from the operator's import_postings -> "cli:<name>".
# The old constraint goes first: two companies' "api:<id>" rows may share an external id.

from django.conf import settings
from django.db import migrations, models

FORWARD = """
UPDATE postings_posting p SET source = coalesce(
    (SELECT 'feed:' || s.id FROM postings_importsource s
     WHERE s.name = p.source AND s.company_id = p.company_id),
    CASE
        WHEN p.source = 'api:' || p.company_id THEN 'api'
        WHEN p.source IN ('demo', 'generated') THEN p.source
        ELSE 'cli:' || p.source
    END
)
WHERE p.source <> '';
"""

BACKWARD = """
UPDATE postings_posting p SET source = CASE
    WHEN p.source LIKE 'feed:%' THEN coalesce(
        (SELECT s.name FROM postings_importsource s WHERE 'feed:' || s.id = p.source), p.source
    )
    WHEN p.source = 'api' THEN 'api:' || p.company_id
    WHEN p.source LIKE 'cli:%' THEN substr(p.source, 5)
    ELSE p.source
END
WHERE p.source <> '';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0010_company_logo"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="posting",
            name="posting_unique_source_external_id",
        ),
        migrations.AlterField(
            model_name="posting",
            name="source",
            field=models.CharField(blank=True, max_length=120, verbose_name="source"),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddConstraint(
            model_name="posting",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("source", "external_id", "company"),
                name="posting_unique_import_identity",
            ),
        ),
    ]
