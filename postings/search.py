"""Full-text search per language (DESIGN.md rule 7).

Each language has its own PostgreSQL text-search configuration, `jobboard_<code>`: a copy of
PostgreSQL's stemmer for the language (`simple` where there is none) that strips accents first
(unaccent), so "developpeur" finds "Développeur". A generated column cannot read the config from
the `language` column (not immutable), so the vector maps it with a fixed CASE over the codes.
"""

from django.conf import settings

# PostgreSQL's stemmers; `simple` (lower case, no stemming) where it has none.
STEMMERS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pl": "simple",
    "pt": "portuguese",
}


def config_for(language: str) -> str:
    return f"jobboard_{language}" if language in STEMMERS else "simple"


def _weighted_vector(config: str) -> str:
    body = " || ' ' || ".join(
        f"coalesce({field}, '')"
        for field in ("description", "responsibilities", "requirements", "nice_to_have")
    )
    return (
        f"setweight(to_tsvector('{config}'::regconfig, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, coalesce(search_context, '')), 'B') || "
        f"setweight(to_tsvector('{config}'::regconfig, {body}), 'C')"
    )


# Title (A) > company and category (B) > the posting's text (C).
SEARCH_VECTOR_SQL = (
    "CASE language "
    + " ".join(
        f"WHEN '{code}' THEN {_weighted_vector(config_for(code))}" for code, _ in settings.LANGUAGES
    )
    + f" ELSE {_weighted_vector('simple')} END"
)
