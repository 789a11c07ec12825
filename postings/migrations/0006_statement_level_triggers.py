# The facet counts and the data version, kept by statement-level triggers on postings:
#
# - one pass per statement over its transition tables, adding up the change per cell, and
#   touching only the cells whose count changes (a save that keeps the cell locks nothing);
# - locks always in the same order: the data version first, then the cells sorted, so that
#   concurrent writers queue instead of deadlocking;
# - no version bump for a statement that changed no row (the sweep runs every minute);
# - TRUNCATE empties the counts too.

from django.db import migrations

CELL = "language, country, category_id, employment_type, remote"
BUMP = """
    INSERT INTO postings_dataversion (id, n) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET n = postings_dataversion.n + 1;
"""


def apply_changes(rows: str) -> str:
    """Add up `rows` (cell, d) per cell and apply the non-zero sums in cell order."""
    return f"""
    INSERT INTO postings_facetcount ({CELL}, n)
    SELECT {CELL}, sum(d) FROM ({rows}) AS changes
    GROUP BY {CELL}
    HAVING sum(d) <> 0
    ORDER BY language, country, coalesce(category_id, 0), employment_type, remote
    ON CONFLICT (language, country, (coalesce(category_id, 0)), employment_type, remote)
    DO UPDATE SET n = postings_facetcount.n + EXCLUDED.n;
    """


ADDED = f"SELECT {CELL}, 1 AS d FROM new_rows WHERE status = 'published'"
REMOVED = f"SELECT {CELL}, -1 AS d FROM old_rows WHERE status = 'published'"

FORWARD = f"""
DROP TRIGGER postings_count_facets ON postings_posting;
DROP FUNCTION postings_count_facets();
DROP TRIGGER postings_bump_version ON postings_posting;

CREATE FUNCTION postings_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN
        {BUMP}
        {apply_changes(ADDED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postings_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN
        {BUMP}
        {apply_changes(ADDED + " UNION ALL " + REMOVED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postings_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM old_rows) THEN
        {BUMP}
        {apply_changes(REMOVED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postings_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP}
    DELETE FROM postings_facetcount;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_inserted AFTER INSERT ON postings_posting
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_inserted();
CREATE TRIGGER postings_updated AFTER UPDATE ON postings_posting
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION postings_updated();
CREATE TRIGGER postings_deleted AFTER DELETE ON postings_posting
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_deleted();
CREATE TRIGGER postings_truncated AFTER TRUNCATE ON postings_posting
    FOR EACH STATEMENT EXECUTE FUNCTION postings_truncated();
"""

BACKWARD = """
DROP TRIGGER postings_inserted ON postings_posting;
DROP TRIGGER postings_updated ON postings_posting;
DROP TRIGGER postings_deleted ON postings_posting;
DROP TRIGGER postings_truncated ON postings_posting;
DROP FUNCTION postings_inserted();
DROP FUNCTION postings_updated();
DROP FUNCTION postings_deleted();
DROP FUNCTION postings_truncated();
CREATE TRIGGER postings_bump_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON postings_posting
    FOR EACH STATEMENT EXECUTE FUNCTION postings_bump_version();
CREATE FUNCTION postings_count_facets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
        UPDATE postings_facetcount SET n = n - 1
        WHERE language = OLD.language AND country = OLD.country
          AND coalesce(category_id, 0) = coalesce(OLD.category_id, 0)
          AND employment_type = OLD.employment_type AND remote = OLD.remote;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
        INSERT INTO postings_facetcount (language, country, category_id, employment_type, remote, n)
        VALUES (NEW.language, NEW.country, NEW.category_id, NEW.employment_type, NEW.remote, 1)
        ON CONFLICT (language, country, (coalesce(category_id, 0)), employment_type, remote)
        DO UPDATE SET n = postings_facetcount.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_count_facets
AFTER INSERT OR DELETE OR UPDATE OF status, language, country, category_id, employment_type, remote
ON postings_posting FOR EACH ROW EXECUTE FUNCTION postings_count_facets();
"""


class Migration(migrations.Migration):
    dependencies = [("postings", "0005_expiry_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
