from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

import pyuca

T = TypeVar("T")


@cache
def _collator() -> pyuca.Collator:
    # Loading the Unicode collation table takes ~0.1 s: once per process.
    return pyuca.Collator()


def collated(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """Sort by the Unicode Collation Algorithm: "Österreich" between "Deutschland" and "Schweiz"."""
    sort_key = _collator().sort_key
    return sorted(items, key=lambda item: sort_key(key(item)))
