"""Numbers and quotations as each language writes them."""

import functools

from babel import Locale
from babel.numbers import format_decimal, parse_pattern
from django.utils import translation
from django.utils.translation import gettext as _


def number(value: int | float, language: str | None = None) -> str:
    """A count or an amount in the language's digits grouping: "40 013", "40.013", "40,013"
    (CLDR, through Babel; French groups with a narrow no-break space)."""
    return _number(value, language or translation.get_language())


# A page shows the same counts again and again (facets, totals): Babel takes tens of
# microseconds for each.
@functools.lru_cache(maxsize=4096, typed=True)
def _number(value: int | float, language: str) -> str:
    return format_decimal(value, locale=translation.to_locale(language))


def money(amount: int, currency: str, language: str | None = None) -> str:
    """A whole amount of money in the language's way: "45 000 €", "45.000 €", "€45,000"."""
    return _money(amount, currency, language or translation.get_language())


# Salaries repeat (round amounts, a few currencies), and Babel takes tens of microseconds for
# each: a list page shows up to four per card (the amounts and their conversion).
@functools.lru_cache(maxsize=4096)
def _money(amount: int, currency: str, language: str) -> str:
    locale = Locale.parse(translation.to_locale(language))
    pattern = parse_pattern(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)  # salaries are whole amounts: "45 000 €", not "45 000,00 €"
    return pattern.apply(amount, locale, currency=currency, currency_digits=False)


def quoted(text: str) -> str:
    """Text between the active language's quotation marks: « x », „x“, „x”, “x”."""
    # Translators: the quotation marks of your language around a quoted text, with the
    # spaces your typography puts inside them (French: no-break spaces).
    return _("“%(text)s”") % {"text": text}
