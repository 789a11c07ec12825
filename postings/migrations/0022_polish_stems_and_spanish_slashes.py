# Search that finds titles first and every word form (issue 19, "Titles first"): Polish, which
# PostgreSQL cannot stem, gets its stems from Python (pystempel) in `search_stems`, written with
# the rest of the search text by Posting.fill_search_text(); the vector reads them for Polish, and
# folds Spanish gender slashes ("Desarrollador/a", a file path to PostgreSQL's parser). A generated
# column cannot be altered, so the vector is dropped and added again (with its GIN index); the
# Polish postings already stored get their stems first. Recomputing every posting's vector and
# the GIN index rewrites the table under an exclusive lock: 6 minutes for 200,000 generated
# postings on a busy 2-core machine (5.5 back), so about half an hour a million: a quiet hour.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.expressions
from django.db import migrations, models

BATCH = 2000


def fill_stems(apps, schema_editor):
    # The stemming rule lives in one place, postings.search; a migration that runs it later
    # stems as the code of its time does, as a posting saved then would be.
    from postings.search import stems

    Posting = apps.get_model("postings", "Posting")
    polish = Posting.objects.filter(language="pl").order_by("pk")
    fields = ("title", "description", "responsibilities", "requirements", "nice_to_have")
    last = 0
    while batch := list(polish.filter(pk__gt=last).only("pk", "language", *fields)[:BATCH]):
        for posting in batch:
            body = " ".join(getattr(posting, field) or "" for field in fields[1:])
            posting.search_stems = stems(posting.language, posting.title, body)
        Posting.objects.bulk_update(batch, ["search_stems"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("postings", "0021_exchange_rates_of_a_recent_day")]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="search_stems",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_stems, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="posting", name="posting_search_idx"),
        migrations.RemoveField(model_name="posting", name="search_vector"),
        migrations.AddField(
            model_name="posting",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.RawSQL(
                    "CASE language WHEN 'en' THEN setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_en'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') WHEN 'fr' THEN setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(title, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(title, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'A') || setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(search_context, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(search_context, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'B') || setweight(to_tsvector('french'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_fr'::regconfig, regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), 'euse(s?)(?!\\w)', 'eur\\1', 'gi'), 'rice(s?)(?!\\w)', 'eur\\1', 'gi'), 'ière(s?)(?!\\w)', 'ier\\1', 'gi'), 'ienne(s?)(?!\\w)', 'ien\\1', 'gi')), 'C') WHEN 'de' THEN setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(title, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(title, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(search_context, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(search_context, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('german'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_de'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(er)(in|innen)(?!\\w)', '\\1', 'gi')), 'C') WHEN 'es' THEN setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(title, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(title, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'A') || setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(search_context, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(search_context, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'B') || setweight(to_tsvector('spanish'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'C') || setweight(to_tsvector('jobboard_es'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, ''), '(\\w)/as?(?!\\w)', '\\1', 'gi')), 'C') WHEN 'it' THEN setweight(to_tsvector('italian'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('italian'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('italian'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_it'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') WHEN 'nl' THEN setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_nl'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') WHEN 'pl' THEN setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_pl'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('simple'::regconfig, split_part(search_stems, E'\\n', 1)), 'A') || setweight(to_tsvector('jobboard_pl'::regconfig, split_part(search_stems, E'\\n', 1)), 'A') || setweight(to_tsvector('simple'::regconfig, split_part(search_stems, E'\\n', 2)), 'C') || setweight(to_tsvector('jobboard_pl'::regconfig, split_part(search_stems, E'\\n', 2)), 'C') WHEN 'pt' THEN setweight(to_tsvector('portuguese'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('portuguese'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('portuguese'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('jobboard_pt'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') ELSE setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(search_context, '')), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') || setweight(to_tsvector('simple'::regconfig, coalesce(description, '') || ' ' || coalesce(responsibilities, '') || ' ' || coalesce(requirements, '') || ' ' || coalesce(nice_to_have, '')), 'C') END",
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
    ]
