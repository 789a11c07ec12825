"""Country and currency codes as people write them: a country name gets the code it stands for,
a currency is chosen from the ISO 4217 list, with the posting's country's own first."""

import functools
import re
import unicodedata
from datetime import date

from babel import Locale
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies, is_currency
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from .collation import collated


def _folded(text: str) -> str:
    """ "España", "espana" and "ESPAÑA" alike."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.cache
def _language_codes_by_name() -> dict[str, str]:
    """The site's language codes by their names in every site language, and by themselves."""
    codes = {code for code, _name in settings.LANGUAGES}
    names = {_folded(code): code for code in codes}
    for locale, _name in settings.LANGUAGES:
        for code, name in Locale.parse(locale).languages.items():
            if code in codes:
                names.setdefault(_folded(str(name)), str(code))
    return names


def language_code_for(value: object) -> str:
    """The site language a wrong value most likely means ("Español": "es", "pt-BR": "pt"), or
    ""."""
    if not isinstance(value, str):
        return ""
    folded = _folded(value)
    names = _language_codes_by_name()
    return names.get(folded) or names.get(re.split(r"[-_]", folded)[0], "")


@functools.cache
def _codes_by_name() -> dict[str, str]:
    names = {}
    for language, _name in [("en", "English"), *settings.LANGUAGES]:
        with translation.override(language):
            names.update({_folded(str(name)): code for code, name in countries})
    return names


def country_error(text: str) -> str | None:
    """What is wrong with `text` as an ISO 3166 country code, in the active language: a country
    written by its name (in any of the site's languages, accents optional) is told its code."""
    if countries.name(text.upper()):
        return None
    code = _codes_by_name().get(_folded(text))
    if code:
        return gettext("“%(text)s” is not a country code: write %(code)s (%(name)s).") % {
            "text": text,
            "code": code,
            "name": countries.name(code),
        }
    return gettext(
        "“%(text)s” is not a country code: write the country's two letters, such as FR or DE."
    ) % {"text": text}


@functools.cache
def current_currencies() -> tuple[str, ...]:
    """The currencies that some country uses today (no pesetas, no test codes)."""
    today = date.today()
    used = set()
    for territory in get_global("territory_currencies"):
        used.update(get_territory_currencies(territory, today))
    return tuple(sorted(used))


def currency_choices(country: str | None, *, current: str = "") -> list[tuple[str, str]]:
    """Today's currencies as (code, "name (code)") in the active language, the ones `country`
    uses first, then the others by name; `current` stays listed while it is a posting's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    locale = language.replace("-", "_")
    own = get_territory_currencies(country, date.today()) if country else []
    codes = set(current_currencies()) | ({current} if is_currency(current) else set())
    others = collated(
        [code for code in codes if code not in own],
        key=lambda code: get_currency_name(code, locale=locale),
        language=language,
    )

    def label(code: str) -> str:
        return f"{get_currency_name(code, locale=locale)} ({code})"

    return [(code, label(code)) for code in [*own, *others]]
