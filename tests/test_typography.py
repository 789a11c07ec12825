"""Each language's typography: its quotation marks, its spaces, its way of writing numbers."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.template.loader import render_to_string
from django.utils import translation

from alerts.forms import describe
from postings.formatting import number
from postings.models import Posting
from postings.selectors import Filters
from tests import factories

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
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        pairs += [(str(msgid), NOT_PROSE.sub("X", str(text))) for text in strings]
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


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "40\u202f013 nouvelles offres\xa0: Développement logiciel"),
        ("de", "40.013 neue Stellenangebote: Développement logiciel"),
        ("en", "40,013 new jobs: Développement logiciel"),
    ],
)
def test_it_writes_counts_as_the_language_does(language, subject):
    context = {"count": 40013, "search": ["Développement logiciel"]}
    with translation.override(language):
        rendered = render_to_string("alerts/email/alert_subject.txt", context)
        more = render_to_string(
            "alerts/email/alert_body.txt", {"postings": [], "more": 2500, "search": []}
        )
    assert rendered.strip() == subject
    assert number(2500, language) in more


@pytest.mark.parametrize(
    ("language", "search"),
    [
        ("fr", ["«\xa0fromager\xa0»", "au moins 52\u202f000\xa0€ par an"]),
        ("de", ["„fromager“", "mindestens 52.000\xa0€ pro Jahr"]),
        ("pl", ["„fromager”", "co najmniej 52\xa0000\xa0zł rocznie"]),
        ("en", ["“fromager”", "at least €52,000 per year"]),
    ],
)
def test_it_quotes_a_search_with_the_language_marks(language, search):
    with translation.override(language):
        assert describe(Filters(q="fromager", salary_min=52000)) == search


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "option", "home"),
    [
        ("fr", "1\u202f001 offres", "France (1\u202f001)", "1\u202f001 offres en ligne"),
        ("de", "1.001 Stellenangebote", "Frankreich (1.001)", "1.001 "),
        ("pl", "1\xa0001 ofert", "Francja (1\xa0001)", "1\xa0001 "),
    ],
)
def test_it_writes_the_counts_of_the_pages_as_the_language_does(
    client, language, heading, option, home
):
    # CLDR through Babel: French groups with a narrow no-break space, German with a dot, Polish
    # with a no-break space.
    first = factories.live_posting(language=language, country="FR")
    Posting.objects.bulk_create(
        Posting(
            company=first.company,
            language=language,
            title=f"Poste {n}",
            slug=f"poste-{n}",
            country="FR",
            description="<p>Texte</p>",
            status=first.status,
            published_at=first.published_at,
            expires_at=first.expires_at,
        )
        for n in range(1000)
    )

    listed = client.get(f"/{language}/jobs/").content.decode()
    assert heading in listed
    assert option in listed
    assert home in client.get(f"/{language}/").content.decode()
