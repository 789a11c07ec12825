"""Each language's typography: its quotation marks, its spaces, its way of writing numbers."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SPACES = "\u00a0\u202f"  # no-break space, narrow no-break space
# What is not prose: placeholders, URLs, code, HTML tags and entities, times of day.
NOT_PROSE = re.compile(
    r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|https?://\S+|mailto:\S+|<code>.*?</code>|<[^>]*>|&#?\w+;"
    r"|\b\d{1,2}:\d{2}\b"
)
# Quotation marks that are not the language's own.
FOREIGN_QUOTES = {
    "fr": "“”„",
    "de": "”«»",
    "pl": "“«»",
}


def translations(language: str) -> list[tuple[str, str]]:
    """(msgid, each msgstr) of the language's catalog, the non-prose parts replaced by X."""
    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        pairs += [(msgid, NOT_PROSE.sub("X", text)) for text in strings]
    return pairs


def test_it_puts_a_no_break_space_before_french_high_punctuation():
    missing = [
        (msgid, text)
        for msgid, text in translations("fr")
        if re.search(rf"(?<![{SPACES}])[:;!?]|«(?![{SPACES}])|(?<![{SPACES}])»", text)
    ]
    assert missing == []


@pytest.mark.parametrize("language", FOREIGN_QUOTES)
def test_it_quotes_with_the_language_own_marks(language):
    foreign = [
        (msgid, text)
        for msgid, text in translations(language)
        if any(mark in text for mark in FOREIGN_QUOTES[language])
    ]
    assert foreign == []
