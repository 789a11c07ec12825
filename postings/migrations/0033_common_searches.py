# Common searches' matches, kept (issue 18, item 1): a word that 40 % of a language's postings
# hold ("Entwickler": 57,000 German matches at a million postings) took its first page 170 ms,
# 90 of them in the one query that reads each match's search row (10,000 of the German
# partition's 10,100 heap pages) for its facet values and title rank. For the texts that match
# many postings (postings.common_searches), those values and the rank, which depends on the
# posting and the text only, are kept in a narrow table: about 100 bytes a match (250 with
# the indexes), read in the order of their facet values from an index that holds every column
# a search reads (an index-only scan, which groups them as it goes: German's 57,000 in 31 ms,
# where sorting them to group took 85, and the search rows 90).
#
# - Statement-level triggers on the search rows keep it in the same transaction as the write,
#   whatever wrote: a search row added is tested against its language's common searches, a
#   search row removed (an update of a posting replaces its row) takes its matches along, one
#   updated in place (nothing does that today) has them made again, and
#   TRUNCATE of the search rows (generate_postings' bulk load) empties it. (TRUNCATE of one
#   partition alone would not: nothing does that.)
# - A search's matches are first read by the sweep (common_searches.fill_due) with the search
#   rows locked against writes (SHARE ROW EXCLUSIVE), so that no write falls between the read
#   and the triggers; a search is read from its matches only once filled.
# - No foreign key: a check a match, which a fill of 57,000 would pay; the sweep deletes a
#   search's matches with it.

import django.utils.timezone
from django.db import migrations, models


# The matches of the search rows a statement added, and those of the rows it removed.
ADDED = """INSERT INTO postings_commonmatch
        SELECT search.id, added.posting_id, added.country, added.category_id, added.employment_type,
            added.remote, ts_rank(added.title_vector, search.query::tsquery), added.published_at,
            added.expires_at
        FROM new_rows AS added JOIN postings_commonsearch AS search
            ON search.language = added.language AND added.search_vector @@ search.query::tsquery;"""
REMOVED = """DELETE FROM postings_commonmatch AS match USING old_rows
        WHERE match.posting_id = old_rows.posting_id;"""

FORWARD = f"""
    CREATE TABLE postings_commonmatch (
        search_id bigint NOT NULL,
        posting_id bigint NOT NULL,
        country varchar(2) NOT NULL,
        category_id bigint,
        employment_type varchar(20) NOT NULL,
        remote varchar(10) NOT NULL,
        rank double precision NOT NULL,
        published_at timestamptz NOT NULL,
        expires_at timestamptz,
        PRIMARY KEY (search_id, posting_id)
    );
    CREATE INDEX postings_commonmatch_posting_idx ON postings_commonmatch (posting_id);
    CREATE INDEX postings_commonmatch_cell_idx ON postings_commonmatch
        (search_id, country, category_id, employment_type, remote)
        INCLUDE (rank, published_at, expires_at, posting_id);

    CREATE FUNCTION postings_common_matches_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {ADDED}
        RETURN NULL;
    END
    $$;
    CREATE FUNCTION postings_common_matches_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {REMOVED}
        RETURN NULL;
    END
    $$;
    CREATE FUNCTION postings_common_matches_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {REMOVED}
        {ADDED}
        RETURN NULL;
    END
    $$;
    CREATE FUNCTION postings_common_matches_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE postings_commonmatch;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER postings_common_matches_added AFTER INSERT ON postings_searchrow
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION postings_common_matches_added();
    CREATE TRIGGER postings_common_matches_removed AFTER DELETE ON postings_searchrow
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION postings_common_matches_removed();
    CREATE TRIGGER postings_common_matches_updated AFTER UPDATE ON postings_searchrow
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION postings_common_matches_updated();
    CREATE TRIGGER postings_common_matches_truncated AFTER TRUNCATE ON postings_searchrow
        FOR EACH STATEMENT EXECUTE FUNCTION postings_common_matches_truncated();
"""

BACKWARD = """
    DROP TRIGGER postings_common_matches_added ON postings_searchrow;
    DROP TRIGGER postings_common_matches_removed ON postings_searchrow;
    DROP TRIGGER postings_common_matches_updated ON postings_searchrow;
    DROP TRIGGER postings_common_matches_truncated ON postings_searchrow;
    DROP FUNCTION postings_common_matches_added();
    DROP FUNCTION postings_common_matches_removed();
    DROP FUNCTION postings_common_matches_updated();
    DROP FUNCTION postings_common_matches_truncated();
    DROP TABLE postings_commonmatch;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0032_compound_parts_inside'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommonMatch',
            fields=[
                ('pk', models.CompositePrimaryKey('search_id', 'posting_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('country', models.CharField(max_length=2)),
                ('employment_type', models.CharField(max_length=20)),
                ('remote', models.CharField(max_length=10)),
                ('rank', models.FloatField()),
                ('published_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(null=True)),
            ],
            options={
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='CommonSearch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=8)),
                ('query', models.TextField()),
                ('filled_at', models.DateTimeField(null=True)),
                ('read_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('language', 'query'), name='common_search_unique')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
