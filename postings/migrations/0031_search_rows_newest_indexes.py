# A list page's postings read from the search rows' indexes alone (issue 18).
#
# A list page (the language's, or a country's) showed its 20 postings by walking the postings'
# (language, published_at) index and reading each posting and its company up to the page:
# page 50 read 1,000 postings, 4 to 14 ms, for 20 shown. The search rows' new indexes hold the
# order (published_at, then id, newest first) and what the live test reads (expires_at), so the
# page's ids come from an index-only scan (0.4 ms for page 50), and only those 20 postings are
# read. They replace the rows' (language, published_at) index, which the "where" list walked by
# date: the new one walks the same way.
#
# Each index is built on every partition while posting writes wait (the statement triggers
# write the search rows; searches go on): 3 s each at a million postings. The old index is
# dropped last, since dropping it locks out reads too, up to the commit that follows.

from django.db import migrations

SQL = """
CREATE INDEX IF NOT EXISTS postings_searchrow_newest_idx
    ON postings_searchrow (language, published_at DESC, posting_id DESC) INCLUDE (expires_at);
CREATE INDEX IF NOT EXISTS postings_searchrow_country_newest_idx
    ON postings_searchrow (language, country, published_at DESC, posting_id DESC)
    INCLUDE (expires_at);
DROP INDEX IF EXISTS postings_searchrow_published_idx;
"""
REVERSE = """
DROP INDEX IF EXISTS postings_searchrow_country_newest_idx;
DROP INDEX IF EXISTS postings_searchrow_newest_idx;
CREATE INDEX IF NOT EXISTS postings_searchrow_published_idx
    ON postings_searchrow (language, published_at);
"""


class Migration(migrations.Migration):
    dependencies = [("postings", "0030_compound_title_parts")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
