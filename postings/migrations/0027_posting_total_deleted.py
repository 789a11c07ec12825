# A posting deleted by any statement takes its total along (a raw DELETE, as a purge by SQL
# would be): the ORM's cascade deletes it first, but a statement that is not the ORM left the
# total behind, and the commit failed on its foreign key.

from django.db import migrations

FORWARD = """
CREATE FUNCTION postings_posting_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM postings_postingtotal WHERE posting_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_posting_deleted AFTER DELETE ON postings_posting
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION postings_posting_deleted();
"""

BACKWARD = """
DROP TRIGGER postings_posting_deleted ON postings_posting;
DROP FUNCTION postings_posting_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0026_dashboard_indexes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
