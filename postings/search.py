"""Full-text search per language (rule 7 of docs/design.md).

A posting's text is analysed twice, with its language's PostgreSQL stemmer (`simple` where
there is none) and with `jobboard_<code>`, the same stemmer after unaccent. The first keeps the
stems that depend on accents (Spanish "aplicación" and "aplicaciones" share "aplic"); the second
lets a seeker type without accents ("developpeur" finds "Développeur"). A query is analysed both
ways and matches either. Feminine job-title forms are folded into the masculine first, on both
sides, so "Entwickler" finds "Entwicklerin" and "développeur" finds "développeuse".

A generated column cannot read the configuration from the `language` column (not immutable),
so the vector maps it with a fixed CASE over the language codes.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery

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

# (pattern, replacement), valid both as PostgreSQL and Python regular expressions.
GENDER_FOLDS = {
    "de": [(r"(er)(in|innen)(?!\w)", r"\1")],  # Entwicklerin, Entwicklerinnen -> Entwickler
    "fr": [
        (r"euse(s?)(?!\w)", r"eur\1"),  # développeuse -> développeur
        (r"rice(s?)(?!\w)", r"eur\1"),  # directrice -> directeur
        (r"ière(s?)(?!\w)", r"ier\1"),  # infirmière -> infirmier
        (r"ienne(s?)(?!\w)", r"ien\1"),  # technicienne -> technicien
    ],
}


def configs_for(language: str) -> tuple[str, str]:
    """(stemmer, accent-insensitive stemmer) of a language."""
    if language not in STEMMERS:
        return "simple", "simple"
    return STEMMERS[language], f"jobboard_{language}"


def fold(language: str, text: str) -> str:
    for pattern, replacement in GENDER_FOLDS.get(language, []):
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def search_query(language: str, text: str) -> SearchQuery:
    stemmed, unaccented = configs_for(language)
    text = fold(language, text)
    return SearchQuery(text, search_type="websearch", config=stemmed) | SearchQuery(
        text, search_type="websearch", config=unaccented
    )


def _vector_sql(language: str) -> str:
    def folded(expression: str) -> str:
        for pattern, replacement in GENDER_FOLDS.get(language, []):
            expression = f"regexp_replace({expression}, '{pattern}', '{replacement}', 'gi')"
        return expression

    def analysed(expression: str, weight: str) -> str:
        return " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, {folded(expression)}), '{weight}')"
            for config in configs_for(language)
        )

    body = " || ' ' || ".join(
        f"coalesce({field}, '')"
        for field in ("description", "responsibilities", "requirements", "nice_to_have")
    )
    # Title (A) > company and category (B) > the posting's text (C).
    return " || ".join(
        (
            analysed("coalesce(title, '')", "A"),
            analysed("coalesce(search_context, '')", "B"),
            analysed(body, "C"),
        )
    )


SEARCH_VECTOR_SQL = (
    "CASE language "
    + " ".join(f"WHEN '{code}' THEN {_vector_sql(code)}" for code, _name in settings.LANGUAGES)
    + f" ELSE {_vector_sql('')} END"
)
