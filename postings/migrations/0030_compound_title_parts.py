# Compound titles found by one lookup in the vector's index (issues 18 and 19): German and Dutch
# titles' words are written with their starts and ends ("Softwareentwicklerin": "software",
# "entwicklerin", ...) into `search_stems` (postings.search.title_parts), which the vector reads
# as title words. A common German word's search took 55 ms of its 190 to find the compound
# titles through the title's trigram index and check each again.
#
# As in migration 0022, a generated column cannot be altered: it is dropped (with its GIN index
# and the search rows' view, which reads it), the German and Dutch postings get their parts, in
# one statement, and the vector is added again, which rewrites the postings table under an
# exclusive lock: 9.5 minutes at a million postings on a 2-core machine, while searches and
# writes wait (a quiet hour). Then the view is made again, and the German and Dutch search rows
# from it (their vectors and title vectors hold the parts now); the other languages' rows are
# unchanged. The trigger that keeps the search rows on an update reads the view: it is off in
# between, while the lock keeps writes out.
#
# A release older than this one, still running while it is deployed, writes German and Dutch
# postings without their parts: `manage.py fill_title_parts` after the rollout gives them theirs.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.expressions
from django.db import migrations, models

BATCH = 2000
COMPOUNDING = ("de", "nl")


def fill_parts(apps, schema_editor):
    # The rule lives in one place, postings.search; a migration that runs it later writes the
    # parts as the code of its time does, as a posting saved then would be. Copied into a
    # temporary table, then written in one statement (the postings' triggers fire once).
    from postings.search import stems

    Posting = apps.get_model("postings", "Posting")
    compounding = Posting.objects.filter(language__in=COMPOUNDING).order_by("pk")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE title_parts (id bigint PRIMARY KEY, parts text) ON COMMIT DROP"
        )
        last = 0
        while batch := list(
            compounding.filter(pk__gt=last).values_list("pk", "language", "title")[:BATCH]
        ):
            with cursor.copy("COPY title_parts (id, parts) FROM STDIN") as copy:
                for pk, language, title in batch:
                    copy.write_row((pk, stems(language, title, "")))
            last = batch[-1][0]
        cursor.execute(
            "UPDATE postings_posting SET search_stems = parts FROM title_parts"
            " WHERE postings_posting.id = title_parts.id"
        )


def clear_parts(apps, schema_editor):
    # Back to 0029, whose search rows' view would read the parts as title words.
    schema_editor.execute(
        f"UPDATE postings_posting SET search_stems = '' WHERE language IN {COMPOUNDING}",
        params=None,
    )


def attach(apps, schema_editor):
    """The search rows' view made again, with the vector; the German and Dutch rows made again
    from it; the update trigger on again."""
    from postings.search import TITLE_VECTOR_SQL

    schema_editor.execute(
        f"""
        CREATE VIEW postings_searchrow_source AS
            SELECT {COLUMNS}, {TITLE_VECTOR_SQL} AS title_vector, search_vector
            FROM postings_posting WHERE status = 'published';
        DELETE FROM postings_searchrow WHERE language IN {COMPOUNDING};
        INSERT INTO postings_searchrow
            SELECT * FROM postings_searchrow_source WHERE language IN {COMPOUNDING};
        ALTER TABLE postings_posting ENABLE TRIGGER postings_search_rows_updated;
        ANALYZE postings_searchrow;
        """,
        params=None,
    )


def detach(apps, schema_editor):
    """The search rows' view dropped (it reads the vector); the update trigger, which reads the
    view, off until it is back. The postings' writes wait from the start: a write's trigger
    reads the view, which the drop would lock before the table, and the two would deadlock."""
    schema_editor.execute(
        """
        LOCK TABLE postings_posting IN SHARE ROW EXCLUSIVE MODE;
        DROP VIEW postings_searchrow_source;
        ALTER TABLE postings_posting DISABLE TRIGGER postings_search_rows_updated;
        """,
        params=None,
    )


# As migration 0028 made the view.
COLUMNS = (
    "id AS posting_id, language, published_at, expires_at, country, category_id,"
    " employment_type, remote, salary_currency, salary_top_yearly, latitude, longitude,"
    " ll_to_earth(latitude, longitude) AS earth, title"
)


class Migration(migrations.Migration):
    dependencies = [("postings", "0029_search_rows_no_vector_statistics")]

    operations = [
        migrations.RunPython(detach, attach),
        migrations.RemoveIndex(model_name="posting", name="posting_search_idx"),
        migrations.RemoveField(model_name="posting", name="search_vector"),
        migrations.RunPython(fill_parts, clear_parts, elidable=True),
        migrations.AddField(
            model_name="posting",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.RawSQL(
                    "CASE language WHEN 'en' THEN setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') WHEN 'fr' THEN setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(title, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(title, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'A') || setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(search_context, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(search_context, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'B') || setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'C') WHEN 'de' THEN setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(title, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(title, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(search_context, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(search_context, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'C') || setweight(to_tsvector('german'::regconfig, regexp_replace(search_stems, '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(search_stems, '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') WHEN 'es' THEN setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(title, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(title, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(search_context, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(search_context, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'C') WHEN 'it' THEN setweight(to_tsvector('italian'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('italian'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('italian'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') WHEN 'nl' THEN setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('dutch'::regconfig, search_stems), 'A') || setweight(to_tsvector('jobboard_nl'::regconfig, search_stems), 'A') WHEN 'pl' THEN setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('simple'::regconfig, split_part(search_stems, E'\\n', 1)), 'A') || setweight(to_tsvector('jobboard_pl'::regconfig, split_part(search_stems, E'\\n', 1)), 'A') || setweight(to_tsvector('simple'::regconfig, split_part(search_stems, E'\\n', 2)), 'C') || setweight(to_tsvector('jobboard_pl'::regconfig, split_part(search_stems, E'\\n', 2)), 'C') WHEN 'pt' THEN setweight(to_tsvector('portuguese'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('portuguese'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('portuguese'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') ELSE setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') END",
                    (),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="posting_search_idx"
            ),
        ),
        migrations.RunPython(attach, detach),
    ]
