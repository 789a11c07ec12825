# A part inside a German or Dutch compound of three words is found ("Logistik" in
# "Lagerlogistikmitarbeiter", issue 19): `search_stems` gets a second line, the parts inside
# (postings.search.title_parts), which the search vector reads with the rest, and the title
# vector, which ranks, does not (it reads the first line only).
#
# The vector's generated column reads `search_stems` whole and does not change. The parts are
# made first, while the postings' writes go on; then the writes wait (as in 0030: a write's
# trigger reads the view, which the replacement locks), the search rows' view, which makes the
# title vector, is replaced, and the German and Dutch postings that have parts inside get them,
# in one statement; their search rows are made again from the new view by the update trigger,
# in the same transaction, and so are those of the postings that the new release, whose pods
# roll while the migration runs, wrote with their parts inside before the view was replaced.
#
# A release older than this one, still running while it is deployed, writes German and Dutch
# postings without their parts inside: `manage.py fill_title_parts` after the rollout gives them
# theirs.

from django.db import migrations

BATCH = 2000
COMPOUNDING = ("de", "nl")

# As migration 0028 made the view.
COLUMNS = (
    "id AS posting_id, language, published_at, expires_at, country, category_id,"
    " employment_type, remote, salary_currency, salary_top_yearly, latitude, longitude,"
    " ll_to_earth(latitude, longitude) AS earth, title"
)


def forward(apps, schema_editor):
    # The rule and the vector's SQL live in one place, postings.search; a migration that runs
    # later writes them as the code of its time does.
    from postings.search import TITLE_VECTOR_SQL, stems

    Posting = apps.get_model("postings", "Posting")
    compounding = Posting.objects.filter(language__in=COMPOUNDING).order_by("pk")
    fields = ("pk", "language", "title", "search_stems")
    with schema_editor.connection.cursor() as cursor:
        # The parts first, while the postings' writes go on: each with the title it was made
        # from, so that a title changed meanwhile (by the previous release, which writes no
        # parts inside) is left to `fill_title_parts`.
        cursor.execute(
            "CREATE TEMPORARY TABLE title_parts (id bigint PRIMARY KEY, title text, parts text)"
            " ON COMMIT DROP"
        )
        last = 0
        while batch := list(compounding.filter(pk__gt=last).values_list(*fields)[:BATCH]):
            with cursor.copy("COPY title_parts (id, title, parts) FROM STDIN") as copy:
                for pk, language, title, written in batch:
                    if (parts := stems(language, title, "")) != written:
                        copy.write_row((pk, title, parts))
            last = batch[-1][0]
        cursor.execute(
            f"""
            LOCK TABLE postings_posting IN SHARE ROW EXCLUSIVE MODE;
            CREATE OR REPLACE VIEW postings_searchrow_source AS
                SELECT {COLUMNS}, {TITLE_VECTOR_SQL} AS title_vector, search_vector
                FROM postings_posting WHERE status = 'published';
            -- The postings that the new release, rolling meanwhile, wrote with their parts
            -- inside: their search rows, which the old view made with those parts in the title
            -- vector, made again.
            UPDATE postings_posting SET search_stems = search_stems
                WHERE language IN {COMPOUNDING} AND strpos(search_stems, E'\\n') > 0;
            UPDATE postings_posting SET search_stems = parts FROM title_parts
                WHERE postings_posting.id = title_parts.id
                    AND postings_posting.title = title_parts.title;
            """
        )


def backward(apps, schema_editor):
    # Back to the first line: the title vector of 0030's view read `search_stems` whole.
    schema_editor.execute(
        "UPDATE postings_posting SET search_stems = split_part(search_stems, E'\\n', 1)"
        f" WHERE language IN {COMPOUNDING} AND search_stems LIKE E'%\\n%'",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [("postings", "0031_search_rows_newest_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=True)]
