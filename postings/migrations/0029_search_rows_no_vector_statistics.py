# The planner reads a search's matches by the GIN index, whatever the word (issue 18).
#
# With statistics on the search vector, PostgreSQL knows that a common word ("desarrollador",
# "Entwickler") is in a third of a language's search rows, and reads the whole partition
# instead, testing each row's vector, stored out of line (several pages a row): 300 ms instead
# of the index's 60 for 40,000 Spanish matches. Its cost model does not count that reading.
# Without statistics on the column, it estimates any match at 0.5 % of the rows and takes the
# index. Migration 0028's search set `enable_seqscan = off` around the query instead, two more
# statements a search.
#
# SET STATISTICS 0 stops ANALYZE collecting them, on every partition (a partition made later
# needs it too: tests/test_search_rows.py checks). The statistics already collected go only
# with a change of the column's type, here to the same type, which rebuilds each partition's
# GIN index under an exclusive lock: 23 s at a million postings, while searches and posting
# writes wait. It is made only where statistics were collected (a new database has none).

from django.db import migrations

SQL = """
ALTER TABLE postings_searchrow ALTER COLUMN search_vector SET STATISTICS 0;
DO $$
BEGIN
    IF EXISTS (
        SELECT FROM pg_stats
        WHERE schemaname = current_schema() AND tablename LIKE 'postings\\_searchrow%'
            AND attname = 'search_vector'
    ) THEN
        ALTER TABLE postings_searchrow ALTER COLUMN search_vector TYPE tsvector;
    END IF;
END
$$;
"""
REVERSE = "ALTER TABLE postings_searchrow ALTER COLUMN search_vector SET STATISTICS -1;"


class Migration(migrations.Migration):
    dependencies = [("postings", "0028_search_rows")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
