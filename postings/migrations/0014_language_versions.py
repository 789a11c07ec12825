# A data version per language, so that a write leaves the page cache of the other languages
# warm (an import in German no longer empties the French pages):
#
# - a posting statement bumps the languages of its old and new rows only; a company update
#   those of the company's postings (a new company has none: imports create companies); a
#   category write, or a TRUNCATE of postings, every language;
# - rows locked always in the same order: the global data version first (migration 0004, which
#   the previous release still reads: see DataVersion), then the languages sorted, then the
#   facet cells sorted (migration 0006), so that concurrent statements queue, never deadlock.
#   While the global row is bumped, writers of different languages still queue behind it; once
#   it goes, a transaction that writes languages in several statements (an import chunk: its
#   inserts, then its updates) can meet one that takes them in another order, and PostgreSQL
#   cancels one of the two: the next release must take the languages of a whole transaction at
#   once, or retry a chunk on a deadlock;
# - no postings scan and no lock on postings: the trigger functions are replaced in place, the
#   new table holds a row per language of the settings.

import importlib

from django.conf import settings
from django.db import migrations, models

previous = importlib.import_module("postings.migrations.0006_statement_level_triggers")
GLOBAL = previous.BUMP
LANGUAGES = "ARRAY(SELECT language FROM postings_languageversion)"


def bumped(languages: str) -> str:
    return f"{GLOBAL} PERFORM postings_bump_languages({languages});"


def posting_functions(bump_inserted: str, bump_updated: str, bump_deleted: str, bump_all: str):
    return f"""
CREATE OR REPLACE FUNCTION postings_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN
        {bump_inserted}
        {previous.apply_changes(previous.ADDED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION postings_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN
        {bump_updated}
        {previous.apply_changes(previous.ADDED + " UNION ALL " + previous.REMOVED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION postings_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM old_rows) THEN
        {bump_deleted}
        {previous.apply_changes(previous.REMOVED)}
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION postings_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {bump_all}
    DELETE FROM postings_facetcount;
    RETURN NULL;
END
$$;
"""


POSTINGS = posting_functions(
    bumped("ARRAY(SELECT language FROM new_rows)"),
    bumped("ARRAY(SELECT language FROM new_rows UNION SELECT language FROM old_rows)"),
    bumped("ARRAY(SELECT language FROM old_rows)"),
    bumped(LANGUAGES),
)
# A company's postings, found by the foreign key's index.
COMPANY = bumped(
    "ARRAY(SELECT DISTINCT language FROM postings_posting "
    "WHERE company_id IN (SELECT id FROM new_rows))"
)
FORWARD = f"""
CREATE FUNCTION postings_bump_languages(languages text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO postings_languageversion (language, n)
    SELECT DISTINCT language, 1 FROM unnest(languages) AS language ORDER BY language
    ON CONFLICT (language) DO UPDATE SET n = postings_languageversion.n + 1;
$$;
{POSTINGS}
CREATE FUNCTION postings_company_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN
        {COMPANY}
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postings_category_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {bumped(LANGUAGES)}
    RETURN NULL;
END
$$;
DROP TRIGGER postings_bump_version ON postings_company;
DROP TRIGGER postings_bump_version ON postings_category;
CREATE TRIGGER postings_company_updated AFTER UPDATE ON postings_company
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_company_updated();
CREATE TRIGGER postings_category_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON postings_category FOR EACH STATEMENT EXECUTE FUNCTION postings_category_changed();
"""

BACKWARD = f"""
DROP TRIGGER postings_company_updated ON postings_company;
DROP TRIGGER postings_category_changed ON postings_category;
DROP FUNCTION postings_company_updated();
DROP FUNCTION postings_category_changed();
CREATE TRIGGER postings_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON postings_company FOR EACH STATEMENT EXECUTE FUNCTION postings_bump_version();
CREATE TRIGGER postings_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON postings_category FOR EACH STATEMENT EXECUTE FUNCTION postings_bump_version();
{posting_functions(GLOBAL, GLOBAL, GLOBAL, GLOBAL)}
DROP FUNCTION postings_bump_languages(text[]);
"""


def add_languages(apps, schema_editor) -> None:
    LanguageVersion = apps.get_model("postings", "LanguageVersion")
    LanguageVersion.objects.bulk_create(
        [LanguageVersion(language=code) for code, _name in settings.LANGUAGES],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("postings", "0013_import_run_dispatched_at")]

    operations = [
        migrations.CreateModel(
            name="LanguageVersion",
            fields=[
                ("language", models.CharField(max_length=8, primary_key=True, serialize=False)),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(add_languages, migrations.RunPython.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
