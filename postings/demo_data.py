"""Demo data for `manage.py seed_demo`: companies, markets, job titles and posting texts, read
from the JSON files of `demo_texts/`: `common.json` (companies, pay, markets, translated jobs),
and one file per language with its titles and its pools of sentences.

Every text was written in its own language. The pools of sentences and list items are parallel
across languages (item i means the same in every language), so the postings of a translation group
can use the same picks and read as translations of one another.

The markets carry the real skew: English almost everywhere and most of all; each other language in
the countries (and, in Switzerland, Belgium and Canada, the regions) that write in it. Pay is a
mid-level tech salary in the currency quoted there (in dollars in Argentina).
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class DemoCompany(NamedTuple):
    name: str
    domain: str  # served under the reserved .example TLD
    country: str | None  # None: an international firm that hires everywhere
    sector: str = ""  # the field category (healthcare, logistics) it hires for, if any


class Market(NamedTuple):
    """How many postings are written in a language for a country, and in which cities."""

    language: str
    country: str
    postings: int
    cities: tuple[str, ...]  # named as the posting's language names them


class Pay(NamedTuple):
    currency: str
    annual: int  # a mid-level tech salary; other families and contracts derive from it
    period: str  # how salaries are usually quoted there: "year" or "month"


class Role(NamedTuple):
    category: str
    titles: dict[str, tuple[str, ...]]  # per language, variants of the same job title


@dataclass(frozen=True)
class Family:
    """Texts for one family of categories: engineers, office jobs or jobs on the floor."""

    role: tuple[str, ...]  # the sentence of the introduction about the role
    duties: tuple[str, ...]
    requirements: tuple[str, ...]  # the first item asks for experience; internships skip it
    nice_to_have: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    intro: tuple[str, ...]  # about the company; placeholders {company} and {city}
    closing: tuple[str, ...]
    families: dict[str, Family]
    internship: str  # put before the title of an internship
    email: str  # local part of the application address


FIELD_CATEGORIES = frozenset({"healthcare", "logistics"})
TECH_CATEGORIES = frozenset({"software-engineering", "data-ai", "infrastructure"})


def family_of(category: str) -> str:
    if category in TECH_CATEGORIES:
        return "tech"
    return "field" if category in FIELD_CATEGORIES else "office"


FOLDER = Path(__file__).with_name("demo_texts")


def _read(name: str) -> dict:
    return json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def _family(pools: dict[str, list[str]]) -> Family:
    return Family(**{name: tuple(pool) for name, pool in pools.items()})


def _language(texts: dict) -> Language:
    return Language(
        intro=tuple(texts["intro"]),
        closing=tuple(texts["closing"]),
        families={name: _family(pools) for name, pools in texts["families"].items()},
        internship=texts["internship"],
        email=texts["email"],
    )


_common = _read("common")
_texts = {language: _read(language) for language in _common["languages"]}

COMPANIES: tuple[DemoCompany, ...] = tuple(DemoCompany(**c) for c in _common["companies"])
PAY: dict[str, Pay] = {country: Pay(**pay) for country, pay in _common["pay"].items()}
# The order counts: seed_demo draws its random picks market after market.
MARKETS: tuple[Market, ...] = tuple(
    Market(m["language"], m["country"], m["count"], tuple(m["cities"])) for m in _common["markets"]
)
# Jobs written in several languages: a country, and the city as each language names it.
TRANSLATED: tuple[tuple[str, dict[str, str]], ...] = tuple(
    (job["country"], job["cities"]) for job in _common["translated"]
)
# Each language's titles are listed in the order of the roles' categories.
ROLES: tuple[Role, ...] = tuple(
    Role(category, {language: tuple(texts["titles"][n]) for language, texts in _texts.items()})
    for n, category in enumerate(_common["roles"])
)
TEXTS: dict[str, Language] = {language: _language(texts) for language, texts in _texts.items()}
