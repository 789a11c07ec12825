"""Full-text search per language (rule 7 of docs/design.md).

A posting's text is analysed twice, with its language's PostgreSQL stemmer (`simple` where
there is none) and with `jobboard_<code>`, the same stemmer after unaccent. The first keeps the
stems that depend on accents (Spanish "aplicación" and "aplicaciones" share "aplic"); the second
lets a seeker type without accents ("developpeur" finds "Développeur"). A query is analysed both
ways and matches either. Feminine job-title forms are folded into the masculine first, on both
sides, so "Entwickler" finds "Entwicklerin" and "développeur" finds "développeuse", and Spanish
gender slashes are dropped ("Desarrollador/a", which PostgreSQL's parser reads as a file path).

Polish has no PostgreSQL stemmer: Python stems it when a posting is written (`stems`, into the
`search_stems` column that the vector reads) and stems the query the same way. German and Dutch
titles are compounds ("Softwareentwicklerin"): when a posting is written, Python puts the ends
and starts of its title's long words into the same column (`title_parts`: "entwicklerin",
"software", ...), and on a second line the parts inside ("logistik" in
"Lagerlogistikmitarbeiter"), which the vector reads as title words, so that one lookup in the
vector's index finds a compound by its part ("Entwickler"), stemmed as the query is. A match is
ranked by its title vector, which holds each of the title's words, ends and starts once: a
compound title ranks as a title holding the word alone; a part inside ranks as the text does.

A generated column cannot read the configuration from the `language` column (not immutable),
so the vector maps it with a fixed CASE over the language codes.
"""

import functools
import gzip
import io
import re
from html import unescape
from importlib.resources import files

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from pystempel import Stemmer
from pystempel.streams import DataInputStream

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
    "es": [(r"(\w)/as?(?!\w)", r"\1")],  # Desarrollador/a, Camareros/as -> Desarrollador
}
# Languages whose job titles are compounds: a title is also found by its words' parts.
COMPOUNDING = ("de", "nl")
# Shorter parts ("IT", "SAP", "Bau") would be found inside too many unrelated titles.
COMPOUND_PART_MIN = 4
# A part inside a compound is a word of its own ("logistik", "entwicklungs", "verpleegkundige");
# longer ones would grow with the square of the word's length (a 200-letter word would have
# 18,528, more than a search vector holds).
COMPOUND_INSIDE_MAX = 16
# Languages stemmed in Python, when a posting is written and on the query (see stems()).
PYTHON_STEMMED = ("pl",)
# Polish inflectional endings, longest first: the fallback key of words that Stempel misreads.
POLISH_ENDINGS = (
    *("ami", "ach", "owi", "ego", "emu", "ymi", "imi", "ych", "ich"),
    *("om", "ów", "em", "ie", "ej"),
    *("ą", "ę", "a", "y", "i", "e", "o", "u"),
)
_WORD = re.compile(r"\w+")
_JOINED = re.compile(r"(?<=\w)-(?=\w)")
_TAG = re.compile(r"<[^>]*>")


def configs_for(language: str) -> tuple[str, str]:
    """(stemmer, accent-insensitive stemmer) of a language."""
    if language not in STEMMERS:
        return "simple", "simple"
    return STEMMERS[language], f"jobboard_{language}"


def fold(language: str, text: str) -> str:
    for pattern, replacement in GENDER_FOLDS.get(language, []):
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def warm_up() -> None:
    """Loads Stempel's table in a starting web worker: a Polish seeker's first search or a
    recruiter's first Polish posting would otherwise wait for it."""
    _stempel()


@functools.cache
def _stempel() -> Stemmer:
    """Stempel's own table (the one Lucene's Polish analyser ships: 2 MB, loaded once per
    process in about two seconds), read from memory: the package's loader reads byte by byte
    behind a progress bar, several times slower."""
    table = files("pystempel.data.original").joinpath("stemmer_20000.tbl.gz").read_bytes()
    return Stemmer.from_stream(DataInputStream(io.BytesIO(gzip.decompress(table))))


@functools.lru_cache(maxsize=50_000)
def word_stems(word: str) -> tuple[str, ...]:
    """The keys of a lower-case Polish word besides itself: Stempel's stem ("księgowa" ->
    "księgowy", "programistka" -> "programista"), and the word without its inflectional ending,
    for the forms Stempel misreads: it reads "programisty" as "programistnie", while both
    "programisty" and "programista" end in "programist" + ending."""
    keys = [_stempel()(word) or word]
    if len(word) >= 6 and not word.isdigit():
        ending = next((e for e in POLISH_ENDINGS if word.endswith(e)), "")
        if ending and len(word) - len(ending) >= 4:
            keys.append(word.removesuffix(ending))
    return tuple(dict.fromkeys(key for key in keys if key != word))


def _keys(text: str) -> str:
    words = _WORD.findall(text.lower())
    return " ".join(dict.fromkeys(key for word in words for key in word_stems(word)))


def stems(language: str, title: str, text: str) -> str:
    """The `search_stems` of a posting, the words its vector reads besides its own: in Polish,
    the stems of its title, a line break, the stems of its text (HTML); in German and Dutch,
    its title's parts (`title_parts`); empty for the other languages."""
    if language in COMPOUNDING:
        return title_parts(language, title)
    if language not in PYTHON_STEMMED:
        return ""
    return f"{_keys(title)}\n{_keys(unescape(_TAG.sub(' ', text)))}"


def title_parts(language: str, title: str) -> str:
    """The parts of the title's words, after the gender fold, that a compound's parts could be,
    on two lines. First the ends and starts: each end of at least COMPOUND_PART_MIN characters
    ("Java-Softwareentwicklerin" gives "oftwareentwickler", ..., "entwickler", ..., "kler": a
    compound's head, the job, is its end), and each start that leaves as much ("soft", ...,
    "softwareentw"). Then the parts inside, each start of an end that leaves as much, of
    COMPOUND_INSIDE_MAX characters at most ("logistik" in "Lagerlogistikmitarbeiter"). The
    vector stems both lines as title words, so "Entwickler" ("entwickl") finds the title,
    "Software" and "Logistik" too; the title vector, which ranks, reads the first line only:
    a part inside ranks as a match in the text does (a long word has a hundred parts inside,
    which every match's rank would read). A start that leaves less would stem as the whole
    word does ("entwickle"), and a title holding the word alone would rank above the compounds
    as if it held it three times."""
    parts: dict[str, None] = {}
    inside: dict[str, None] = {}
    for word in _WORD.findall(fold(language, title).lower()):
        for cut in range(1, len(word)):
            if len(word) - cut >= COMPOUND_PART_MIN:
                parts[word[cut:]] = None
                if cut >= COMPOUND_PART_MIN:
                    parts[word[:cut]] = None
                last = min(cut + COMPOUND_INSIDE_MAX, len(word) - COMPOUND_PART_MIN)
                for end in range(cut + COMPOUND_PART_MIN, last + 1):
                    inside[word[cut:end]] = None
    inside_only = " ".join(part for part in inside if part not in parts)
    return " ".join(parts) + (f"\n{inside_only}" if inside_only else "")


def _stemmed_query(text: str, key: int) -> str:
    """The query with each word replaced by its key number `key` (websearch's syntax kept)."""

    def replace(word: re.Match) -> str:
        if word[0].lower() == "or":
            return word[0]
        keys = word_stems(word[0].lower())
        return keys[min(key, len(keys) - 1)] if keys else word[0]

    return _WORD.sub(replace, text)


def search_query(language: str, text: str) -> SearchQuery:
    configs = configs_for(language)
    if language in COMPOUNDING:
        # "Java-Entwickler" as its words: websearch reads it as a phrase of the whole and its
        # parts, which "Java Entwickler" and "Java-Softwareentwicklerin" do not hold.
        text = _JOINED.sub(" ", text)
    texts = [fold(language, text)]
    if language in PYTHON_STEMMED:
        texts += [_stemmed_query(text, 0), _stemmed_query(text, 1)]
    queries = [
        SearchQuery(variant, search_type="websearch", config=config)
        for variant in dict.fromkeys(texts)
        for config in configs
    ]
    return functools.reduce(lambda a, b: a | b, queries)


def matches(language: str, text: str) -> Q:
    """Postings that match a query, by their vector (which holds their titles' parts)."""
    return Q(search_vector=search_query(language, text))


def _vector_sql(language: str, *, body: bool = True) -> str:
    def folded(expression: str) -> str:
        for pattern, replacement in GENDER_FOLDS.get(language, []):
            expression = f"regexp_replace({expression}, '{pattern}', '{replacement}', 'gi')"
        return expression

    def analysed(expression: str, weight: str) -> str:
        return " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, {folded(expression)}), '{weight}')"
            for config in configs_for(language)
        )

    text = " || ' ' || ".join(
        f"coalesce({field}, '')"
        for field in ("description", "responsibilities", "requirements", "nice_to_have")
    )
    # Title (A) > company and category (B) > the posting's text (C).
    title = analysed("coalesce(title, '')", "A")
    if language in COMPOUNDING and not body:
        # Ranked by the title's words, ends and starts (title_parts' first line), each once
        # (not its parts inside: a long word has a hundred): a title's starts often stem
        # alike ("softwar", "software"), and "Softwareentwickler" would rank as if it held
        # "Software" more often than "Software Tester" does.
        words = " || ".join(
            f"to_tsvector('{config}'::regconfig, {folded(expression)})"
            for config in configs_for(language)
            for expression in ("coalesce(title, '')", "split_part(search_stems, E'\\n', 1)")
        )
        title = (
            "setweight(to_tsvector('simple'::regconfig,"
            f" array_to_string(tsvector_to_array({words}), ' ')), 'A')"
        )
    parts = [title, analysed("coalesce(search_context, '')", "B")]
    if body:
        parts.append(analysed(text, "C"))
    if language in PYTHON_STEMMED:
        # The stems Python wrote: the title's on the first line, the text's on the second.
        parts.append(analysed("split_part(search_stems, E'\\n', 1)", "A"))
        if body:
            parts.append(analysed("split_part(search_stems, E'\\n', 2)", "C"))
    elif language in COMPOUNDING and body:
        # The title's parts Python wrote (title_parts), as title words.
        parts.append(analysed("search_stems", "A"))
    return " || ".join(parts)


def _by_language(body: bool) -> str:
    return (
        "CASE language "
        + " ".join(
            f"WHEN '{code}' THEN {_vector_sql(code, body=body)}"
            for code, _name in settings.LANGUAGES
        )
        + f" ELSE {_vector_sql('', body=body)} END"
    )


# What a posting is found by: its title, company, category and text.
SEARCH_VECTOR_SQL = _by_language(body=True)
# What a match is ranked by (search_rows.py): the title, company and category alone, a few
# words, so that ranking a common word's 30,000 matches reads no text. Both live in the
# database (the generated column of migration 0022, the view of 0028): a change to them takes a
# migration that makes them again.
TITLE_VECTOR_SQL = _by_language(body=False)
