"""Does a posting's text look like its declared language? A warning for the author and the
moderators, never a block: short or mixed texts fool any detector."""

import re
from functools import cache
from html import unescape

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
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
    # process instead of 300. Loaded now, not on the first text: that text's author would
    # wait the second or so they take.
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def warm_up() -> None:
    """Loads the detector in a starting web worker, before its first request: the first
    recruiter's draft saved by a fresh worker took a second longer than the next ones."""
    _detector()


class Check(models.TextChoices):
    """The language check's result, stored on the posting for the moderators to sort by."""

    MATCH = "match", _("as declared")
    MISMATCH = "mismatch", _("looks like another language")
    UNSURE = "unsure", _("too short to tell")


# Five lines or so are enough to judge (low accuracy mode is sure from about 120 characters),
# and the detector's time grows with the text: an import checks every row.
MAX_CHARS = 400
# Tags out, roughly: a word more or less does not change the verdict, and strip_tags costs
# as much as the detection.
TAG = re.compile(r"<[^>]*>")


def _text(texts) -> str:
    return " ".join(unescape(TAG.sub(" ", t)) for t in texts if isinstance(t, str) and t)


def _code(language: Language | None) -> str:
    return language.iso_code_639_1.name.lower() if language else ""


def detect(*texts: str) -> str:
    """The language code the texts are written in, or "" when unsure."""
    return detect_many([texts])[0]


def detect_many(texts: list[tuple]) -> list[str]:
    """detect() of each tuple of texts, in one call to the detector: it spreads them over the
    cores, and an import checks a chunk's rows at once."""
    joined = [_text(parts) for parts in texts]
    judged = [i for i, text in enumerate(joined) if sum(ch.isalpha() for ch in text) >= MIN_LETTERS]
    found = _detector().detect_languages_in_parallel_of([joined[i][:MAX_CHARS] for i in judged])
    codes = [""] * len(joined)
    for i, language in zip(judged, found, strict=True):
        codes[i] = _code(language)
    return codes


def record(posting, found: str) -> None:
    """Stores on the posting the check of its text, detected as `found`."""
    posting.detected_language = found if found and found != posting.language else ""
    posting.language_check = (
        Check.UNSURE if not found else Check.MISMATCH if posting.detected_language else Check.MATCH
    )


def check(posting) -> None:
    """Records on the posting the language its text looks like, when not the declared one."""
    texts = (getattr(posting, field) for field in posting.HTML_FIELDS)
    record(posting, detect(posting.title, *texts))


def name(code: str) -> str:
    """The language's name in itself ("Deutsch"), as the warnings show it."""
    return translation.get_language_info(code)["name_local"]
