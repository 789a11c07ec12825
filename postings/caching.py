"""Whole-page cache for the public pages that every visitor sees alike (home and lists).

A cached page is exact: its key holds its language's data version, which database triggers bump
in the same transaction as any write that changes the language's pages (a posting in it, a
company with postings in it, a category: migration 0014), and it expires at the next moment a
posting of the language goes live or expires by the clock alone. A write in one language leaves
the pages of the others cached.

A page the cache has not stored (the long tail of searches, the next page of a list) still
finds the parts that do not change with the page or the order under the same version: the
categories, the moment of the next change by the clock, and the counts and order of a search
(selectors.search), which the clock changes too. At a million postings one expires every few
seconds, so those are not computed again at each: they are kept with the moment they were
computed for and brought to the present by the few postings that went live or expired since
(see Scope.remember_live).
"""

import hashlib
import math
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import TypeVar, cast

from django.core.cache import cache
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jobboard.cache import available as cache_available

from .models import LanguageVersion

MAX_AGE = 600  # seconds; a cap, not a staleness: the version and the clock decide
# The shape of what the clock's and the parts' entries hold, in their keys: during a deploy the
# old and the new release share the cache, and each must read only its own.
FORMAT = 5
# A part being computed: how long its lock holds at most (longer than the slowest part takes),
# and how long, and how often, other requests look for it before computing it themselves.
LOCK_SECONDS = 30
WAIT_SECONDS = 10
WAIT_STEP = 0.05
# How much of the parts it last read each process keeps, in bytes (see Recent): the cards of
# 8,000 postings (1.1 kB each), a few hundred filter forms (6 kB each) and the matches of the
# 8 languages' most common words (0.7 to 1.4 MB each).
RECENT_SIZE = 32_000_000
# What a part is counted as at least (the categories, the rates, a quiet spell).
RECENT_OBJECT_SIZE = 1_000
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Recent:
    """The parts a process last read or made, as the cache holds them, each until its timeout:
    a part's key holds its data version, so under its key it never changes, and the pages that
    show it again (the categories, the rates, a search's filter form, the cards, the quiet
    spell; and a search's counts and matches, as long as no posting went live or expired since
    they were made) need not ask the cache for it: an uncached list page asks it 2 times
    instead of 8. At most `size` bytes, the least recently used dropped first; shared by the
    process's threads, so what a part holds is read, never changed (a change would show on
    every page of the process that shows the part)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[float, int, object]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            if (item := self._items.get(key)) is None:
                return None
            ends, _size, stored = item
            if ends <= time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return stored

    def set(self, key: str, stored: object, seconds: float, value: object = None) -> None:
        """Keep `stored` for `seconds`, counted as its `value`'s size in memory (what
        sys.getsizeof says: a search's matches and what it found say theirs), at least
        RECENT_OBJECT_SIZE."""
        size = max(sys.getsizeof(value), RECENT_OBJECT_SIZE)
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + seconds, size, stored)
            self._used += size
            while self._used > self.size:
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        self._used -= self._items.pop(key)[1]

    def clear(self) -> None:
        """Forget every part (the tests' data versions repeat as their writes roll back)."""
        with self._lock:
            self._items.clear()
            self._used = 0


recent = Recent(RECENT_SIZE)


def _reads() -> BaseDatabaseWrapper:
    """The connection the page's own queries read from. With a replica, the version must come
    from the same place as the data: a version read on the primary while the page is rendered
    from a replica that lags would store old content under the new version."""
    return connections[router.db_for_read(LanguageVersion)]


def data_version(language: str) -> int:
    with _reads().cursor() as cursor:
        cursor.execute("SELECT n FROM postings_languageversion WHERE language = %s", [language])
        row = cursor.fetchone()
    # No row yet: no write in the language since the table was emptied; the first one adds it.
    return row[0] if row else 0


def _next_change(language: str, after: datetime) -> datetime | None:
    """When a published posting of the language next expires or goes live by the clock."""
    with _reads().cursor() as cursor:
        cursor.execute(
            """
            SELECT least(
                (SELECT min(expires_at) FROM postings_posting
                 WHERE status = 'published' AND language = %s AND expires_at > %s),
                (SELECT min(published_at) FROM postings_posting
                 WHERE status = 'published' AND language = %s AND published_at > %s)
            )
            """,
            [language, after, language, after],
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Quiet:
    """A span in which no published posting of a language goes live or expires by the clock:
    from the moment it was read to the next such change (None: none to come)."""

    since: datetime
    until: datetime | None

    def holds(self, start: datetime, end: datetime) -> bool:
        """Whether no posting changed by the clock after `start` up to `end`."""
        return self.since <= start and (self.until is None or end < self.until)

    def seconds_left(self) -> int:
        if self.until is None:
            return MAX_AGE
        left = (self.until - timezone.now()).total_seconds()
        return max(0, min(MAX_AGE, math.floor(left)))


def quiet_spell(language: str, version: int) -> Quiet:
    """The language's span without a change by the clock, around now. Under one data version the
    postings are the same, so their next change is the same moment until it comes: it is read
    once per version and kept until then."""
    key = f"quiet:{FORMAT}:{language}:{version}"
    if (stored := recent.get(key) or cache.get(key)) is not None:
        quiet = cast(Quiet, stored)
    else:
        now = timezone.now()
        quiet = Quiet(now, _next_change(language, now))
        if (seconds := quiet.seconds_left()) > 0:
            cache.set(key, quiet, seconds)
    if (seconds := quiet.seconds_left()) > 0:
        recent.set(key, quiet, seconds)
    return quiet


def _stored_by_another(key: str) -> dict | None:
    """What another request stores under `key` while it computes it, waited for up to
    WAIT_SECONDS, so that the requests that ask for a new part at once (a popular search after
    a write) do not all compute it. None when this request is to compute it: it then holds the
    lock (see _computing), or waited in vain, or the cache is down (nothing to wait for)."""
    if cache.add(key + ":lock", True, LOCK_SECONDS) or not cache_available():
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        if (stored := cache.get(key)) is not None:
            return stored
    return None


@contextmanager
def _computing(key: str) -> Iterator[None]:
    try:
        yield
    finally:
        cache.delete(key + ":lock")


@dataclass(frozen=True)
class Scope:
    """What the parts of a page may be kept under: its language's data version, and the span
    around now in which none of its postings changes by the clock."""

    language: str
    version: int
    quiet: Quiet

    def _key(self, name: str, parts: Hashable) -> str:
        described = f"{FORMAT}:{name}:{self.language}:{self.version}:{parts!r}"
        return "part:" + hashlib.sha256(described.encode()).hexdigest()

    def remember(
        self, name: str, parts: Hashable, compute: Callable[[], T], *, wait: bool = True
    ) -> T:
        """`compute()`, or what it gave under this version for the same name and parts: for a
        part that the clock does not change. Unless `wait` is false (a part quicker to make
        than the two round trips of the lock), what another request is making is waited for."""
        key = self._key(name, parts)
        if (stored := recent.get(key)) is not None:
            return cast(dict, stored)["value"]
        if (stored := cache.get(key)) is None and not wait:
            stored = {"value": compute()}
            cache.set(key, stored, MAX_AGE)
        elif stored is None and (stored := _stored_by_another(key)) is None:
            with _computing(key):
                stored = {"value": compute()}
                cache.set(key, stored, MAX_AGE)
        recent.set(key, stored, MAX_AGE, stored["value"])
        return stored["value"]

    def remember_live(
        self,
        name: str,
        parts: Hashable,
        compute: Callable[[datetime], T],
        catch_up: Callable[[T, datetime, datetime], T | None],
        at: datetime | None = None,
    ) -> T:
        """For a part that the clock changes (which postings are live): `compute(moment)`, what
        it is at a moment; or what it gave under this version for the same name and parts at an
        earlier moment: as it is when the scope's quiet span holds both moments, else brought
        to now by `catch_up(value, then, now)`, or computed again when that returns None.
        Every app server's clock is taken to be the same: a part made a moment ahead is used
        as it is, unless it is asked for `at` a given moment (a part of another part)."""
        key = self._key(name, parts)
        now = at or timezone.now()
        kept = cast(dict | None, recent.get(key))
        # What the process kept, unless another process may have brought it nearer to now.
        if kept is None or not self.quiet.holds(kept["moment"], now):
            kept = None
        if (stored := kept or cache.get(key) or _stored_by_another(key)) is not None:
            then = stored["moment"]
            if then > now and at is not None:
                return compute(now)
            if then >= now or self.quiet.holds(then, now):
                if kept is None:
                    recent.set(key, stored, MAX_AGE, stored["value"])
                return stored["value"]
            # Stored again as of now even when nothing changed: the next pages skip the window
            # that this one looked at.
            if (caught_up := catch_up(stored["value"], then, now)) is not None:
                self._store(key, {"value": caught_up, "moment": now})
                return caught_up
        with _computing(key):
            value = compute(now)
            self._store(key, {"value": value, "moment": now})
        return value

    @staticmethod
    def _store(key: str, stored: dict) -> None:
        cache.set(key, stored, MAX_AGE)
        recent.set(key, stored, MAX_AGE, stored["value"])

    def remember_each(
        self, name: str, parts: Mapping[K, Hashable], make: Callable[[list[K]], dict[K, T]]
    ) -> dict[K, T]:
        """For each item, what `make` gave for it under this version for the same name and
        parts, else what `make(items)` gives for the items not kept, made together (one read of
        their postings), in one round trip to the cache each way at most (none when the process
        kept them all). For a part of one posting, which the clock changes only through its
        parts (its age): it is kept MAX_AGE, whatever the other postings of the language do by
        the clock."""
        keys = {item: self._key(name, part) for item, part in parts.items()}
        kept = {key: stored for key in keys.values() if (stored := recent.get(key)) is not None}
        asked = [key for key in keys.values() if key not in kept]
        stored = {**kept, **(cache.get_many(asked) if asked else {})}
        missing = [item for item, key in keys.items() if key not in stored]
        new = make(missing) if missing else {}
        found, made = {}, {}
        for item, key in keys.items():
            if key in stored:
                found[item] = cast(dict, stored[key])["value"]
            else:
                found[item] = new[item]
                made[key] = {"value": found[item]}
            if key not in kept:
                recent.set(key, stored.get(key) or made[key], MAX_AGE, found[item])
        if made:
            cache.set_many(made, MAX_AGE)
        return found


def scope_of(request: HttpRequest) -> Scope | None:
    """The scope that cached_page gave the request; None when the page is not cacheable (its
    parts are not either: a "posted within" window slides with the clock)."""
    return getattr(request, "page_scope", None)


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Stores the whole response, headers included (a feed's content type, its Last-Modified),
    under a key with the host: a page is only ever served again to the host it was made for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # "Posted within" windows slide with the clock at every instant: not cached.
        if request.method not in ("GET", "HEAD") or request.GET.get("posted_within"):
            return view(request, *args, **kwargs)
        language = request.LANGUAGE_CODE
        version = data_version(language)
        page = f"{language}:{version}:{request.get_host()}:{request.get_full_path()}"
        key = "page:" + hashlib.sha256(page.encode()).hexdigest()
        if (stored := cache.get(key)) is not None:
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"]:
                response[name] = value
            return response
        # The next change by the clock is found before rendering, so a change during the
        # rendering still ends the entry, and the entry ends at that moment, however long the
        # rendering took.
        quiet = quiet_spell(language, version)
        ends = time.monotonic() + quiet.seconds_left()
        request.page_scope = Scope(language, version, quiet)  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        timeout = math.floor(ends - time.monotonic())
        # A response that sets a cookie belongs to one visitor.
        if response.status_code == 200 and timeout > 0 and not response.cookies:
            stored = {"content": response.content, "headers": list(response.items())}
            cache.set(key, stored, timeout)
        return response

    return wrapper
