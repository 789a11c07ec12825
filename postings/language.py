"""Does a posting's text look like its declared language? A warning for the author and the
moderators, never a block: short or mixed texts fool any detector."""

from functools import cache
from html import unescape

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Fewer than this many letters say too little to judge.
MIN_LETTERS = 60


@cache
def _detector() -> LanguageDetector:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code, _name in settings.LANGUAGES
    ]
    # Trigram models only: enough for texts of a paragraph or more, and about 20 MB in a web
    # process instead of 300.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect(*texts: str) -> str:
    """The language code the texts are written in, or "" when unsure."""
    text = " ".join(unescape(strip_tags(t)) for t in texts if t)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return ""
    language = _detector().detect_language_of(text[:5000])
    return language.iso_code_639_1.name.lower() if language else ""


def mismatch(language: str, *texts: str) -> str:
    """The detected language when it is not `language`, else ""."""
    found = detect(*texts)
    return found if found and found != language else ""


def check(posting) -> None:
    """Records on the posting the language its text looks like, when not the declared one."""
    texts = (getattr(posting, field) for field in posting.HTML_FIELDS)
    posting.detected_language = mismatch(posting.language, posting.title, *texts)


def name(code: str) -> str:
    """The language's name in itself ("Deutsch"), as the warnings show it."""
    return translation.get_language_info(code)["name_local"]
