# The search rows (issue 18, item 1): a narrow copy of each published posting, the columns a
# search filters, counts and ranks its matches on, partitioned by language. A common word
# matches 30,000 postings at a million; reading their 3.5 kB rows (text, vector) from the
# postings table for their facet values and rank took 500 to 600 ms of the search.
#
# - Partitions per language: a French search reads only French rows. A language added later
#   lands in the default partition until a migration gives it its own (detaching the default,
#   creating the language's partition, moving its rows there and attaching the default again).
# - The point on the earth of the posting's city is stored (`earth`, GiST-indexed): computed
#   from the latitude and longitude for each row in the radius, ll_to_earth took 20 us a row,
#   170 ms for the 8,500 French postings within 25 km of Paris.
# - The search vector is stored out of line (toast_tuple_target 128): the GIN index answers the
#   match, and no query reads the vector itself. The title and `title_vector` (the title's,
#   company's and category's words, what a match is ranked by) stay in the row (storage MAIN).
# - One view, postings_searchrow_source, makes the published postings' rows, for the triggers,
#   the backfill and the generator's bulk load (generate_postings) alike. It reads the stored
#   posting, whose vector is already out of line: PostgreSQL moves a value out of line only
#   from a row over 2 kB, and a search row with its 1.5 kB vector inline is just under.
# - Statement-level triggers keep the rows in the same transaction as the write, whatever path
#   wrote: an update replaces the rows of the postings it touched; TRUNCATE empties the table.
#   The triggers are created before the backfill, so that a write waits for the migration
#   instead of slipping between the two.
#
# On 1,000,000 postings (850,000 published) the backfill and its indexes take about two minutes.

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pl", "pt")
COLUMNS = (
    "id AS posting_id, language, published_at, expires_at, country, category_id,"
    " employment_type, remote, salary_currency, salary_top_yearly, latitude, longitude,"
    " ll_to_earth(latitude, longitude) AS earth, title"
)

# The rows of the postings a statement wrote, as the view makes them; and those it replaced.
ADDED = """INSERT INTO postings_searchrow SELECT * FROM postings_searchrow_source
            WHERE posting_id IN (SELECT id FROM new_rows);"""
REMOVED = """DELETE FROM postings_searchrow AS row USING old_rows
            WHERE old_rows.status = 'published'
                AND row.language = old_rows.language AND row.posting_id = old_rows.id;"""


def forward(apps, schema_editor):
    # The vector's SQL lives in one place, postings.search, the rows' indexes beside their
    # model; a migration that runs later builds the view as the code of its time does.
    from postings.models.search_rows import CREATE_SEARCH_ROW_INDEXES, FILL_SEARCH_ROWS
    from postings.search import TITLE_VECTOR_SQL

    partitions = "".join(
        f"CREATE TABLE postings_searchrow_{code} PARTITION OF postings_searchrow"
        f" FOR VALUES IN ('{code}') WITH (toast_tuple_target = 128);"
        for code in LANGUAGES
    )
    schema_editor.execute(f"""
        CREATE TABLE postings_searchrow (
            posting_id bigint NOT NULL,
            language varchar(8) NOT NULL,
            published_at timestamptz NOT NULL,
            expires_at timestamptz,
            country varchar(2) NOT NULL,
            category_id bigint,
            employment_type varchar(20) NOT NULL,
            remote varchar(10) NOT NULL,
            salary_currency varchar(3) NOT NULL,
            salary_top_yearly bigint,
            latitude double precision,
            longitude double precision,
            earth earth,
            title varchar(200) NOT NULL,
            title_vector tsvector NOT NULL,
            search_vector tsvector NOT NULL,
            PRIMARY KEY (language, posting_id)
        ) PARTITION BY LIST (language);
        {partitions}
        CREATE TABLE postings_searchrow_other PARTITION OF postings_searchrow DEFAULT
            WITH (toast_tuple_target = 128);
        ALTER TABLE postings_searchrow
            ALTER COLUMN title SET STORAGE MAIN,
            ALTER COLUMN title_vector SET STORAGE MAIN;

        CREATE VIEW postings_searchrow_source AS
            SELECT {COLUMNS}, {TITLE_VECTOR_SQL} AS title_vector, search_vector
            FROM postings_posting WHERE status = 'published';

        CREATE FUNCTION postings_search_rows_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {ADDED}
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION postings_search_rows_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {REMOVED}
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION postings_search_rows_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {REMOVED}
            {ADDED}
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION postings_search_rows_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE postings_searchrow;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER postings_search_rows_inserted AFTER INSERT ON postings_posting
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION postings_search_rows_inserted();
        CREATE TRIGGER postings_search_rows_updated AFTER UPDATE ON postings_posting
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION postings_search_rows_updated();
        CREATE TRIGGER postings_search_rows_deleted AFTER DELETE ON postings_posting
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION postings_search_rows_deleted();
        CREATE TRIGGER postings_search_rows_truncated AFTER TRUNCATE ON postings_posting
            FOR EACH STATEMENT EXECUTE FUNCTION postings_search_rows_truncated();

        {FILL_SEARCH_ROWS};
        {CREATE_SEARCH_ROW_INDEXES}
        ANALYZE postings_searchrow;
    """, params=None)


def backward(apps, schema_editor):
    schema_editor.execute(BACKWARD, params=None)


BACKWARD = """
    DROP TRIGGER postings_search_rows_inserted ON postings_posting;
    DROP TRIGGER postings_search_rows_updated ON postings_posting;
    DROP TRIGGER postings_search_rows_deleted ON postings_posting;
    DROP TRIGGER postings_search_rows_truncated ON postings_posting;
    DROP FUNCTION postings_search_rows_inserted();
    DROP FUNCTION postings_search_rows_updated();
    DROP FUNCTION postings_search_rows_deleted();
    DROP FUNCTION postings_search_rows_truncated();
    DROP VIEW postings_searchrow_source;
    DROP TABLE postings_searchrow;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0027_posting_total_deleted'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchRow',
            fields=[
                ('posting', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='postings.posting')),
                ('language', models.CharField(max_length=8)),
                ('published_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(null=True)),
                ('country', models.CharField(max_length=2)),
                ('employment_type', models.CharField(max_length=20)),
                ('remote', models.CharField(max_length=10)),
                ('salary_currency', models.CharField(max_length=3)),
                ('salary_top_yearly', models.BigIntegerField(null=True)),
                ('latitude', models.FloatField(null=True)),
                ('longitude', models.FloatField(null=True)),
                ('title', models.CharField(max_length=200)),
                ('title_vector', django.contrib.postgres.search.SearchVectorField()),
                ('search_vector', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'managed': False,
            },
        ),
        migrations.RunPython(forward, backward),
    ]
