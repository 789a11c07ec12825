from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

import icu

T = TypeVar("T")


@cache
def _collator(language: str) -> icu.Collator:
    # ICU's const methods are thread-safe, so one collator per language serves every thread.
    return icu.Collator.createInstance(icu.Locale(language))


def collated(items: Iterable[T], key: Callable[[T], str], *, language: str) -> list[T]:
    """Sort in the language's alphabet (CLDR's tailoring through ICU): "Österreich" between
    "Deutschland" and "Schweiz" in German, "Łotwa" after "Luksemburg" in Polish."""
    sort_key = _collator(language).getSortKey
    return sorted(items, key=lambda item: sort_key(key(item)))
