# A posting's search context (its company's name and its category's name in its language) is
# worked out by one SQL function, postings_search_context(), and kept by triggers when a company
# or a category is renamed, however it is renamed (the admin, a service, a shell's update()):
# the admin used to refresh it itself, and a rename elsewhere left search on the old name.
# Posting.build_search_context() is its mirror in Python, for a posting about to be saved.

from django.db import migrations

LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pl", "pt"]
CATEGORY_NAME = "CASE posting_language {} ELSE cat.name_en END".format(
    " ".join(
        f"WHEN '{code}' THEN coalesce(nullif(cat.name_{code}, ''), cat.name_en)"
        for code in LANGUAGES
    )
)
NAMES_CHANGED = " OR ".join(
    f"OLD.name_{code} IS DISTINCT FROM NEW.name_{code}" for code in LANGUAGES
)

FORWARD = f"""
CREATE FUNCTION postings_search_context(
    company_name text, posting_category_id bigint, posting_language text
) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ', company_name, (
        SELECT {CATEGORY_NAME} FROM postings_category cat WHERE cat.id = posting_category_id
    ))
$$;

CREATE FUNCTION postings_company_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE postings_posting p
    SET search_context = postings_search_context(NEW.name, p.category_id, p.language)
    WHERE p.company_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_company_renamed AFTER UPDATE OF name ON postings_company
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION postings_company_renamed();

CREATE FUNCTION postings_category_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE postings_posting p
    SET search_context = postings_search_context(c.name, p.category_id, p.language)
    FROM postings_company c
    WHERE c.id = p.company_id AND p.category_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_category_renamed AFTER UPDATE ON postings_category
FOR EACH ROW WHEN ({NAMES_CHANGED})
EXECUTE FUNCTION postings_category_renamed();
"""

BACKWARD = """
DROP TRIGGER postings_category_renamed ON postings_category;
DROP FUNCTION postings_category_renamed();
DROP TRIGGER postings_company_renamed ON postings_company;
DROP FUNCTION postings_company_renamed();
DROP FUNCTION postings_search_context(text, bigint, text);
"""


class Migration(migrations.Migration):
    dependencies = [("postings", "0014_language_versions")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
