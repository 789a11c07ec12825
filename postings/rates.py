"""Salaries people can compare: the European Central Bank's daily reference rates, fetched and
stored (ExchangeRate), the salary filter in the seeker's period and currency, and amounts
converted for display.

A posting matches a minimum when the top of its range made yearly (Posting.salary_top_yearly)
is worth at least the minimum made yearly with the same factors (Posting.PERIODS_PER_YEAR:
hour × 40 × 52, month × 12), both in euros at the stored rates: top / rate(posting's currency)
>= minimum / rate(seeker's), that is top >= ceil(minimum × rate(posting's) / rate(seeker's)),
an integer computed per currency in numeric, exactly. The rates are read inside the same
statement (one uncorrelated subquery, run once), so a page's facets and rows agree, no query is
added, and each row costs one lookup and one integer comparison. A currency without a rate
compares with itself only: the fallback of a table left empty.
"""

import functools
import http.client
import logging
import re
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from babel.numbers import get_currency_name
from defusedxml import ElementTree
from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, F, Func, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .codes import current_currencies
from .collation import collated
from .formatting import money
from .metrics import EXCHANGE_RATE_FETCHES
from .models import ExchangeRate, Posting

if TYPE_CHECKING:
    from .caching import Scope

logger = logging.getLogger(__name__)

BASE = "EUR"
# The currency a seeker of each version of the board thinks in when they pick none: the euro
# (the reference rates' base), except where the language's country pays in its own.
LANGUAGE_CURRENCIES = {"pl": "PLN"}
# The ECB's file is about 2 KB.
MAX_BYTES = 256 * 1024


def default_currency(language: str) -> str:
    return LANGUAGE_CURRENCIES.get(language, BASE)


def currency_error(text: str) -> str | None:
    """What is wrong with `text` as the currency of a salary filter, in the active language."""
    if text.upper() in current_currencies():
        return None
    return _("“%(text)s” is not a currency code: write its three letters, such as EUR or PLN.") % {
        "text": text[:20]
    }


def minimum(amount: int, *, period: str = "", currency: str = "") -> str:
    """A seeker's minimum as they wrote it, in the active language: "4 000 zł per month"; without
    a currency, in the active language's version's."""
    currency = currency or default_currency(translation.get_language() or settings.LANGUAGE_CODE)
    return f"{money(amount, currency)} {Posting.SalaryPeriod(period or 'year').label}"


# -- The filter --------------------------------------------------------------------------------

# For each currency with a rate, the least yearly top in it that is worth `yearly` of the
# seeker's currency: ceil(yearly × its rate / the seeker's rate), exactly (div and mod of
# numeric); one small map per statement, looked up by each row.
_FLOORS_SQL = (
    "(SELECT jsonb_object_agg(r.currency,"
    " div(%s * r.rate, s.rate) + (mod(%s * r.rate, s.rate) > 0)::int)"
    " FROM postings_exchangerate r JOIN postings_exchangerate s ON s.currency = %s)"
)


def salary_at_least(amount: int, *, period: str, currency: str) -> Q:
    """Postings whose top salary is worth at least `amount` of `currency` per `period`."""
    yearly = amount * Posting.PERIODS_PER_YEAR[period or "year"]
    floor = Func(
        RawSQL(_FLOORS_SQL, (yearly, yearly, currency)),  # noqa: S611 (values as parameters)
        F("salary_currency"),
        template="(%(expressions)s)",
        arg_joiner=" ->> ",
        output_field=TextField(),
    )
    in_its_currency = Cast(floor, DecimalField(max_digits=40, decimal_places=0))
    same_currency = Q(salary_currency=currency, salary_top_yearly__gte=yearly)
    return same_currency | Q(salary_top_yearly__gte=in_its_currency)


# -- Display -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    day: date | None  # None: no rates stored
    per_euro: dict[str, Decimal]

    def convert(self, amount: int, source: str, target: str) -> Decimal | None:
        if source == target:
            return Decimal(amount)
        if source not in self.per_euro or target not in self.per_euro:
            return None
        return amount * self.per_euro[target] / self.per_euro[source]


def current() -> Rates:
    rows = list(ExchangeRate.objects.values_list("currency", "rate", "day"))
    return Rates(
        day=max((day for _code, _rate, day in rows), default=None),
        per_euro={code: rate for code, rate, _day in rows},
    )


def _rounded(amount: Decimal) -> int:
    """An approximate amount as people say it: three significant digits from a thousand up
    (98 349 -> 98 300), whole units below."""
    whole = int(amount.to_integral_value())
    if whole < 1000:
        return whole
    step = 10 ** (len(str(whole)) - 3)
    return int((amount / step).to_integral_value()) * step


class Conversion:
    """Salaries in the seeker's currency, beside the posting's own; the rates are read once,
    when a page first shows one, or once per data version under a page's scope (new rates
    change every language's version)."""

    def __init__(self, currency: str, scope: "Scope | None" = None) -> None:
        self.currency = currency
        self.scope = scope

    @functools.cached_property
    def rates(self) -> Rates:
        if self.scope is None:
            return current()
        return self.scope.remember("rates", (), current)

    @property
    def day(self) -> date | None:
        return self.rates.day

    def of(self, posting: Posting) -> str:
        """ "≈ 98 300 €" for a posting paid in another currency, or ""."""
        source = posting.salary_currency
        if not source or source == self.currency:
            return ""
        low, high = posting.salary_min, posting.salary_max
        amounts = [
            self.rates.convert(amount, source, self.currency) for amount in (low, high) if amount
        ]
        if not amounts or None in amounts:
            return ""
        shown = [money(_rounded(amount), self.currency) for amount in amounts if amount is not None]
        if len(set(shown)) == 2:
            text = _("%(low)s – %(high)s") % {"low": shown[0], "high": shown[1]}
        else:
            text = shown[0]
        return _("≈ %(amount)s") % {"amount": text}

    def options(self) -> SafeString:
        """The <option>s of the currencies a seeker may compare in ("name (code)"), in the
        active language's order, the chosen one included and selected."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        return _options(language, frozenset(self.rates.per_euro), self.currency)


@functools.lru_cache(maxsize=64)
def _options(language: str, codes: frozenset[str], chosen: str) -> SafeString:
    """Made once per language, rates' currencies and choice: the filter form of each page the
    page cache has not seen shows them (about 30 names, their collation and their options: 1 ms
    a form, a new search's page takes 30)."""
    locale = translation.to_locale(language)
    names = {
        code: f"{get_currency_name(code, locale=locale)} ({code})" for code in codes | {chosen}
    }
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (code, " selected" if code == chosen else "", names[code])
            for code in collated(names, key=names.__getitem__, language=language)
        ),
    )


# -- Fetching ----------------------------------------------------------------------------------


def _download(url: str) -> bytes:
    # An operator's setting, http(s) only (settings.EXCHANGE_RATES_URL).
    request = urllib.request.Request(url, headers={"User-Agent": "jobboard"})  # noqa: S310
    timeout = settings.EXCHANGE_RATES_TIMEOUT
    # The timeout bounds each read; a server sending a few bytes at a time would otherwise hold
    # the worker for as many reads as the file has: the whole download gets it too.
    deadline = time.monotonic() + timeout
    body = b""
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        while len(body) <= MAX_BYTES and (chunk := response.read1(MAX_BYTES + 1 - len(body))):
            body += chunk
            if time.monotonic() > deadline:
                raise TimeoutError(f"not downloaded within {timeout} s")
    if len(body) > MAX_BYTES:
        raise ValueError(f"more than {MAX_BYTES} bytes")
    return body


def parse(body: bytes) -> tuple[date, dict[str, Decimal]]:
    """The day and the rates per euro of the ECB's daily file, the euro included; ValueError
    when it is not one."""
    days = ElementTree.fromstring(body).findall(".//{*}Cube[@time]")
    if len(days) != 1:
        raise ValueError(f"{len(days)} days of rates, not one")
    day = date.fromisoformat(days[0].get("time", ""))
    rates = {BASE: Decimal(1)}
    for cube in days[0]:
        code, text = cube.get("currency", ""), cube.get("rate", "")
        try:
            rate = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{code}: rate {text[:20]!r}") from None
        # The euro is the base (1 by definition); a rate rounding to 0 would be divided by.
        valid = re.fullmatch("[A-Z]{3}", code) and code != BASE
        if not valid or not (rate.is_finite() and 0 < rate < 10**12 and round(rate, 6)):
            raise ValueError(f"{code[:20]!r}: rate {text[:20]!r}")
        rates[code] = round(rate, 6)  # as stored: an unchanged file compares equal
    if len(rates) == 1:
        raise ValueError("no rates")
    return day, rates


def store(day: date, rates: dict[str, Decimal]) -> bool:
    """Replace the stored rates by these, unless they are the same or older; True when the
    rates changed."""
    with transaction.atomic():
        stored = current()
        if stored.day is not None and day < stored.day:
            return False  # a stale copy (a cache in between): the newer rates stay
        if stored.day == day and stored.per_euro == rates:
            return False
        ExchangeRate.objects.exclude(currency__in=list(rates)).delete()
        ExchangeRate.objects.bulk_create(
            [ExchangeRate(currency=code, rate=rate, day=day) for code, rate in rates.items()],
            update_conflicts=True,
            unique_fields=["currency"],
            update_fields=["rate", "day"],
        )
    return True


def refresh() -> bool:
    """Fetch the day's rates and store them. A failed fetch keeps the last rates: pages go on
    converting with them, and show their date."""
    try:
        day, rates = parse(_download(settings.EXCHANGE_RATES_URL))
    except (OSError, http.client.HTTPException, ValueError, ParseError) as error:
        logger.warning("exchange rates not fetched, the last ones stay: %s", error)
        EXCHANGE_RATE_FETCHES.labels("failed").inc()
        return False
    changed = store(day, rates)
    EXCHANGE_RATE_FETCHES.labels("updated" if changed else "unchanged").inc()
    return changed
