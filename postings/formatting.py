"""Numbers and quotations as each language writes them."""

from babel import Locale
from babel.numbers import format_decimal, parse_pattern
from django.utils import translation
from django.utils.translation import gettext as _


def number(value: int | float, language: str | None = None) -> str:
    """A count or an amount in the language's digits grouping: "40 013", "40.013", "40,013"
    (CLDR, through Babel; French groups with a narrow no-break space)."""
    language = language or translation.get_language()
    return format_decimal(value, locale=translation.to_locale(language))


def money(amount: int, currency: str, language: str | None = None) -> str:
    """A whole amount of money in the language's way: "45 000 €", "45.000 €", "€45,000"."""
    locale = Locale.parse(translation.to_locale(language or translation.get_language()))
    pattern = parse_pattern(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)  # salaries are whole amounts: "45 000 €", not "45 000,00 €"
    return pattern.apply(amount, locale, currency=currency, currency_digits=False)


def quoted(text: str) -> str:
    """Text between the active language's quotation marks: « x », „x“, „x”, “x”."""
    # Translators: the quotation marks of your language around a quoted text, with the
    # spaces your typography puts inside them (French: no-break spaces).
    return _("“%(text)s”") % {"text": text}
