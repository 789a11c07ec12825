"""Numbers and quotations as each language writes them."""

import functools

from babel.numbers import format_decimal
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


def quoted(text: str) -> str:
    """Text between the active language's quotation marks: « x », „x“, „x”, “x”."""
    # Translators: the quotation marks of your language around a quoted text, with the
    # spaces your typography puts inside them (French: no-break spaces).
    return _("“%(text)s”") % {"text": text}
