"""Where and how far: a seeker's "where" (a city name in any language GeoNames knows, accents
optional) found in the City table, the postings within `radius` km of it, and the names the
"where" box suggests.

Names are compared folded, lower(unaccent(...)) in PostgreSQL, exactly as the trigger that
geocodes the postings folds their cities (migration places): "zurich", "Zürich" and "ZURICH"
are one key. A posting's point is the one of its city, set by that trigger on every write.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, Trim
from django_countries import countries

from .models import CityName, Posting, SearchRow

# Postings, or their search rows: both have the columns a "where" filters on.
QS = TypeVar("QS", bound=QuerySet)


class Radius(IntEnum):
    """The distances a seeker can choose, in km."""

    KM_10 = 10
    KM_25 = 25
    KM_50 = 50
    KM_100 = 100


RADII = tuple(int(radius) for radius in Radius)
DEFAULT_RADIUS = 25
SUGGESTIONS = 10
# A week: the cities change only with a migration.
SUGGESTION_SECONDS = 7 * 24 * 3600
# "Valencia, ES": a name and the country it is in, as the suggestions write an ambiguous one.
_IN_COUNTRY = re.compile(r"^(?P<name>.+?)\s*,\s*(?P<country>[A-Za-z]{2})$")


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float


def _fold(text: str) -> str:
    """The key of a name, folded by PostgreSQL as the City table's keys were."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(unaccent(btrim(%s)))", [text])
        return cursor.fetchone()[0]


def find(text: str, countries_searched: tuple[str, ...] = ()) -> Place | None:
    """The city called `text` ("Genf", "geneve", "Valencia, ES"), or None: within the countries
    the seeker filters on when one of them has a city of that name, else the largest."""
    name, country = text.strip(), ""
    if (match := _IN_COUNTRY.match(name)) and match["country"].upper() in countries:
        name, country = match["name"], match["country"].upper()
    if not name or "\x00" in name:  # no name holds one, and PostgreSQL's text cannot
        return None
    # As the trigger reads a posting's city: as written, else without what follows a comma,
    # slash or parenthesis ("Lyon, Rhône", "Zürich (ZH)"), the name as written first.
    short = re.sub(r"\s*[(,/].*$", "", name) or name
    # Folded in the same query (an index scan all the same: the function is stable).
    key, short_key = (
        Lower(Func(Trim(Value(text)), function="unaccent", output_field=CharField()))
        for text in (name, short)
    )
    names = CityName.objects.filter(Q(key=key) | Q(key=short_key)).select_related("city")
    if country:
        names = names.filter(country=country)
    preferred = RawSQL("postings_cityname.country = ANY(%s)", (list(countries_searched),))
    as_written = ExpressionWrapper(Q(key=key), output_field=BooleanField())
    found = names.order_by(as_written.desc(), preferred.desc(), "-population").first()
    if found is None:
        return None
    return Place(found.name, found.country, found.city.latitude, found.city.longitude)


def _near_sql(postings: QuerySet, place: Place, radius: int, *, boxed: bool = True) -> RawSQL:
    """Within `radius` km: the box test that earthdistance's GiST index answers, then the
    great-circle distance that trims the box's corners. For postings or their search rows.
    Without the box (not `boxed`), the index cannot answer: for a query that walks another
    index (by date) and tests the distance of each row it reads."""
    table = postings.model._meta.db_table
    # The search rows store their point; the postings compute theirs (their index has it).
    point = (
        f"{table}.earth"
        if postings.model is SearchRow
        else f"ll_to_earth({table}.latitude, {table}.longitude)"
    )
    distance = f"earth_distance(ll_to_earth(%s, %s), {point}) <= %s"
    metres = (place.latitude, place.longitude, radius * 1000.0)
    if not boxed:
        return RawSQL(distance, metres, output_field=BooleanField())  # noqa: S611 (as below)
    return RawSQL(  # noqa: S611 (a model's table name, and the values as parameters)
        f"earth_box(ll_to_earth(%s, %s), %s) @> {point} AND {distance}",
        metres * 2,
        output_field=BooleanField(),
    )


def around(postings: QS, place: Place, radius: int, *, boxed: bool = True) -> QS:
    """The postings within `radius` km of `place`, and the remote ones wherever they are (a
    search for remote work keeps them: see `far`), with `near` telling which is which."""
    near = _near_sql(postings, place, radius, boxed=boxed)
    return (
        postings.alias(near_filter=near)
        .annotate(near=near)
        .filter(Q(near_filter=True) | Q(remote=Posting.Remote.REMOTE))
    )


def within(postings: QS, place: Place, radius: int, *, boxed: bool = True) -> QS:
    """The postings within `radius` km of `place` only."""
    near = _near_sql(postings, place, radius, boxed=boxed)
    return postings.alias(near_filter=near).filter(near_filter=True)


def far(remote: list[str]) -> bool:
    """Whether a remote posting beyond the radius matches a search for these remote values:
    only when the seeker asks for remote work."""
    return remote == [Posting.Remote.REMOTE]


def _ascii(name: str) -> str:
    """Roughly folded, for ranking only: "Zürich" and "Zurich" are the same name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def suggest(text: str) -> list[dict[str, str]]:
    """Up to SUGGESTIONS cities whose name starts like `text`, each once, under the name closest
    to what was typed (with its accents, when they were typed): those named as typed first,
    then the largest."""
    if "\x00" in text:  # no name holds one, and PostgreSQL's text cannot
        return []
    key = _fold(text)
    if len(key) < 2:
        return []
    typed = text.strip().casefold()
    # Per text as typed: its accents choose the names shown.
    cache_key = "places:suggest:" + hashlib.sha256(typed.encode()).hexdigest()
    if (found := cache.get(cache_key)) is not None:
        return found
    rows = (
        CityName.objects.filter(key__startswith=key)
        .order_by("-population", "city_id")
        .values_list("city_id", "name", "country", "city__name")[: SUGGESTIONS * 8]
    )
    best: dict[int, tuple] = {}
    for city_id, name, country, main in rows:
        # As typed, accents included (a browser shows only the options that contain what was
        # typed); then the city's own name, with its accents or without; then the shortest.
        rank = (
            not name.casefold().startswith(typed),
            _ascii(name) != _ascii(main),
            name != main,
            len(name),
        )
        if city_id not in best or rank < best[city_id][0]:
            best[city_id] = (rank, name, country)
    # The cities named as typed first ("genè": Genève before General Santos), else the largest
    # (a stable sort keeps the population's order).
    shown = sorted(best.values(), key=lambda city: city[0][0])[:SUGGESTIONS]
    names = [name for _rank, name, _country in shown]
    found = [
        {
            # An ambiguous name says its country, in the form `find` reads back.
            "value": name if names.count(name) == 1 else f"{name}, {country}",
            "name": name,
            "country": country,
        }
        for _rank, name, country in shown
    ]
    cache.set(cache_key, found, SUGGESTION_SECONDS)
    return found
