"""Salaries people can compare: the filter in the seeker's period and currency across currencies,
through the European Central Bank's reference rates, fetched from a server on loopback that
serves a saved copy of the ECB's daily file."""

import logging
import re
import threading
import time
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.http import QueryDict
from django.utils import translation
from prometheus_client import REGISTRY

from alerts.forms import describe, parse_query, saved_query
from postings.formatting import money
from postings.models import ExchangeRate, LanguageVersion
from postings.tasks import refresh_exchange_rates
from tests import factories
from tests.test_search import titles

pytestmark = pytest.mark.django_db

# The ECB's eurofxref-daily.xml of 9 October 2025, as served.
ECB_FILE = Path(__file__).parent / "data" / "eurofxref-daily.xml"
ECB_DAY = date(2025, 10, 9)


def set_rates(day: date, **rates: str) -> None:
    ExchangeRate.objects.all().delete()
    ExchangeRate.objects.bulk_create(
        [ExchangeRate(currency="EUR", rate=1, day=day)]
        + [ExchangeRate(currency=code, rate=Decimal(rate), day=day) for code, rate in rates.items()]
    )


@pytest.fixture
def rates() -> None:
    set_rates(ECB_DAY, PLN="4.2548", CHF="0.9309", GBP="0.86830")


def fetches(outcome: str) -> float:
    labels = {"outcome": outcome}
    return REGISTRY.get_sample_value("jobboard_exchange_rate_fetches_total", labels) or 0


@pytest.fixture
def ecb():
    """A real HTTP server on loopback answering with `ecb.status` and `ecb.body` (the saved ECB
    file unless a test changes it)."""

    class ECB(BaseHTTPRequestHandler):
        status = 200
        body = ECB_FILE.read_bytes()
        requests = 0
        drip = 0.0  # seconds between each 16 bytes of the body: a server that stalls

        def do_GET(self) -> None:
            ECB.requests += 1
            self.send_response(ECB.status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(ECB.body)))
            self.end_headers()
            if not ECB.drip:
                self.wfile.write(ECB.body)
                return
            for start in range(0, len(ECB.body), 16):
                self.wfile.write(ECB.body[start : start + 16])
                self.wfile.flush()
                time.sleep(ECB.drip)

        def log_message(self, *args) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), ECB)
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield ECB, f"http://127.0.0.1:{http.server_port}/stats/eurofxref/eurofxref-daily.xml"
    http.shutdown()
    http.server_close()


# -- The filter --------------------------------------------------------------------------------


def test_it_compares_a_monthly_zloty_salary_with_a_yearly_euro_minimum(client, rates):
    # 20 000 zł a month: 240 000 zł a year, 56 406.88 € at 4.2548 zł per euro.
    factories.live_posting(
        language="en",
        title="Warsaw",
        salary_min=15000,
        salary_max=20000,
        salary_currency="PLN",
        salary_period="month",
    )
    factories.live_posting(
        language="en", title="Paris", salary_min=50000, salary_currency="EUR", salary_period="year"
    )
    in_euros = "/en/jobs/?with_salary=1&salary_currency=EUR&salary_period=year&salary_min="
    assert titles(client, in_euros + "50000") == ["Paris", "Warsaw"]
    assert titles(client, in_euros + "56406") == ["Warsaw"]
    assert titles(client, in_euros + "56407") == []
    # Without a currency, the version's: euros in English.
    assert titles(client, "/en/jobs/?with_salary=1&salary_min=56000") == ["Warsaw"]


def test_it_takes_the_zloty_per_month_on_the_polish_version(client, rates):
    # 60 000 € a year: 255 288 zł, 21 274 zł a month.
    factories.live_posting(
        language="pl", title="Berlin", salary_min=60000, salary_currency="EUR", salary_period="year"
    )
    assert titles(client, "/pl/jobs/?salary_min=21274&salary_period=month") == ["Berlin"]
    assert titles(client, "/pl/jobs/?salary_min=21275&salary_period=month") == []
    assert titles(client, "/pl/jobs/?salary_min=250000") == ["Berlin"]  # zł a year


def test_it_compares_exactly_at_the_rate(client, rates):
    # 1 € = 4.2548 zł: 42 548 zł a year is exactly 10 000 €; a float would round either way.
    for amount in (42547, 42548):
        factories.live_posting(
            language="en",
            title=f"Exactly {amount}",
            salary_min=amount,
            salary_currency="PLN",
            salary_period="year",
        )
    url = "/en/jobs/?salary_min=10000&salary_currency=EUR&with_salary=1"
    assert titles(client, url) == ["Exactly 42548"]


def test_it_compares_an_hourly_franc_salary_with_a_monthly_euro_minimum(client, rates):
    # 50 CHF an hour: 104 000 CHF a year (40 hours × 52 weeks), 111 719.84 € at 0.9309, 9 309.99 €
    # a month.
    factories.live_posting(
        language="de", title="Zürich", salary_min=50, salary_currency="CHF", salary_period="hour"
    )
    url = "/de/jobs/?salary_currency=EUR&salary_period=month&salary_min="
    assert titles(client, url + "9309") == ["Zürich"]
    assert titles(client, url + "9310") == []
    assert titles(client, "/de/jobs/?salary_currency=CHF&salary_period=hour&salary_min=50") == [
        "Zürich"
    ]


def test_it_compares_a_currency_without_a_rate_with_itself_only(client, rates):
    factories.live_posting(
        language="es",
        title="Bogotá",
        salary_min=9000000,
        salary_currency="COP",
        salary_period="month",
    )
    factories.live_posting(language="es", title="Sin salario")
    assert titles(client, "/es/jobs/?salary_min=1000&with_salary=1") == []
    url = "/es/jobs/?salary_currency=COP&salary_period=month&with_salary=1&salary_min="
    assert titles(client, url + "9000000") == ["Bogotá"]
    assert titles(client, url + "9000001") == []


def test_it_compares_same_currencies_without_any_rate(client):
    ExchangeRate.objects.all().delete()  # a table emptied by hand: no conversion, no error
    factories.live_posting(
        language="en", title="Euros", salary_min=50000, salary_currency="EUR", salary_period="year"
    )
    factories.live_posting(
        language="en", title="Pounds", salary_min=90000, salary_currency="GBP", salary_period="year"
    )
    response = client.get("/en/jobs/?salary_min=40000&with_salary=1")
    assert response.status_code == 200
    assert titles(client, "/en/jobs/?salary_min=40000&with_salary=1") == ["Euros"]
    assert "reference rates of" not in response.content.decode()


def test_it_explains_an_unknown_currency_in_the_visitor_language(client, rates):
    factories.live_posting(
        language="pl", title="Kraków", salary_min=9000, salary_currency="PLN", salary_period="month"
    )
    html = client.get("/pl/jobs/?salary_min=8000&salary_period=month&salary_currency=XXX").content
    text = html.decode()
    assert 'role="alert"' in text
    assert "„XXX” nie jest kodem waluty" in text
    # The other filters still apply, in the version's currency.
    assert titles(client, "/pl/jobs/?salary_min=8000&salary_period=month&salary_currency=XXX") == [
        "Kraków"
    ]


def test_it_shows_a_currency_typed_as_html_as_text(client, rates):
    html = client.get("/en/jobs/?salary_min=1&salary_currency=<b>x</b>").content.decode()
    assert "“&lt;b&gt;x&lt;/b&gt;” is not a currency code" in html
    assert "<b>x</b>" not in html


def test_it_answers_an_unknown_currency_in_the_api_with_a_422_in_the_language(client, rates):
    response = client.get("/api/v1/postings?language=fr&salary_min=1000&salary_currency=XXX")
    assert response.status_code == 422
    assert "«\xa0XXX\xa0» n’est pas un code de devise" in response.json()["detail"]


def test_it_filters_the_api_in_the_seekers_currency_and_period(client, rates):
    factories.live_posting(
        language="en",
        title="Warsaw",
        salary_min=20000,
        salary_currency="PLN",
        salary_period="month",
    )
    base = "/api/v1/postings?language=en&with_salary=true&salary_currency=EUR&salary_period=month"
    assert [p["title"] for p in client.get(base + "&salary_min=4700").json()["items"]] == ["Warsaw"]
    assert client.get(base + "&salary_min=4701").json()["items"] == []
    facets = client.get(base.replace("postings", "facets") + "&salary_min=4700").json()
    assert facets["total"] == 1


# -- Alerts ------------------------------------------------------------------------------------


def test_it_saves_the_currency_and_the_period_in_alerts(rates):
    query = QueryDict("salary_currency=pln&salary_period=month&salary_min=9000&page=2")
    assert saved_query(query, []) == "salary_min=9000&salary_currency=PLN&salary_period=month"
    # Alone, a currency or a period filters nothing; "year" is the default.
    assert saved_query(QueryDict("salary_currency=PLN&salary_period=month"), []) == ""
    assert saved_query(QueryDict("salary_min=9000&salary_period=year"), []) == "salary_min=9000"
    with translation.override("pl"):
        described = describe(
            parse_query("salary_min=9000&salary_currency=PLN&salary_period=month", [])
        )
    assert described == [f"co najmniej {money(9000, 'PLN', 'pl')} miesięcznie"]


def test_it_matches_alerts_in_their_currency_and_period(rates, mailbox):
    from alerts.models import AlertMatch
    from tests.test_alerts import confirmed_alert, new_posting, sweep

    # 5 000 € a month on the Polish version: 21 274 zł, at least 20 000 zł a month.
    alert = confirmed_alert(
        "pl@example.org", language="pl", query="salary_min=20000&salary_period=month"
    )
    match = new_posting(
        language="pl", title="Berlin", salary_min=5000, salary_currency="EUR", salary_period="month"
    )
    new_posting(
        language="pl", title="Wien", salary_min=4000, salary_currency="EUR", salary_period="month"
    )  # 17 019 zł
    assert sweep() == 1
    assert list(AlertMatch.objects.values_list("alert_id", "posting_id")) == [(alert.pk, match.pk)]


# -- Display -----------------------------------------------------------------------------------


def test_it_shows_the_converted_amount_beside_another_currency(client, rates):
    posting = factories.live_posting(
        language="fr",
        title="Genève",
        salary_min=80000,
        salary_max=95000,
        salary_currency="CHF",
        salary_period="year",
    )
    factories.live_posting(
        language="fr", title="Lyon", salary_min=45000, salary_currency="EUR", salary_period="year"
    )
    # 80 000 / 0.9309 = 85 938 -> 85 900; 95 000 / 0.9309 = 102 052 -> 102 000.
    converted = f"≈\xa0{money(85900, 'EUR', 'fr')} – {money(102000, 'EUR', 'fr')}"
    html = client.get("/fr/jobs/").content.decode()
    assert f"{money(80000, 'CHF', 'fr')} – {money(95000, 'CHF', 'fr')} par an" in html
    assert converted in html
    assert html.count("≈") == 1  # not beside the euros
    assert "taux de référence de la Banque centrale européenne du 9 octobre 2025" in html
    detail = client.get(posting.get_absolute_url()).content.decode()
    assert converted in detail
    assert "9 octobre 2025" in detail


def test_it_converts_into_the_currency_the_seeker_chose(client, rates):
    factories.live_posting(
        language="en", title="Lyon", salary_min=45000, salary_currency="EUR", salary_period="year"
    )
    html = client.get("/en/jobs/?salary_min=1&salary_currency=GBP").content.decode()
    assert f"≈ {money(39100, 'GBP', 'en')}" in html  # 45 000 × 0.8683 = 39 073.5
    assert re.search(r'<option value="GBP" selected>[^<]*\(GBP\)</option>', html)


def test_it_shows_the_salary_filter_in_the_chosen_currency_and_period(client, rates):
    html = client.get("/de/jobs/?salary_min=4000&salary_currency=PLN&salary_period=month")
    text = html.content.decode()
    assert f"Gehalt ab {money(4000, 'PLN', 'de')} pro Monat" in text


# -- Fetching the rates ------------------------------------------------------------------------


def test_it_fetches_the_rates_from_the_ecb_file(ecb, settings, rates):
    server, settings.EXCHANGE_RATES_URL = ecb
    set_rates(date(2025, 10, 8), PLN="4.2", RUB="90")  # the day before, and a rate since dropped
    versions = dict(LanguageVersion.objects.values_list("language", "n"))
    updated = fetches("updated")

    assert refresh_exchange_rates() is True

    stored = {rate.currency: rate for rate in ExchangeRate.objects.all()}
    assert len(stored) == 31  # 30 currencies and the euro
    assert stored["PLN"].rate == Decimal("4.2548")
    assert stored["IDR"].rate == Decimal("19227.64")
    assert stored["EUR"].rate == 1
    assert "RUB" not in stored
    assert {rate.day for rate in stored.values()} == {ECB_DAY}
    assert fetches("updated") == updated + 1
    # The pages that converted with the old rates are cached no more.
    assert all(
        n > versions[code] for code, n in LanguageVersion.objects.values_list("language", "n")
    )


def test_it_writes_nothing_when_the_rates_are_the_same(ecb, settings):
    server, settings.EXCHANGE_RATES_URL = ecb
    refresh_exchange_rates()
    versions = dict(LanguageVersion.objects.values_list("language", "n"))
    unchanged = fetches("unchanged")
    assert refresh_exchange_rates() is False
    assert fetches("unchanged") == unchanged + 1
    assert dict(LanguageVersion.objects.values_list("language", "n")) == versions
    assert server.requests == 2


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"Internal Server Error"),
        (200, b"<html><body>Maintenance</body></html>"),
        (200, ECB_FILE.read_bytes()[:700]),  # cut short
        (200, ECB_FILE.read_bytes().replace(b"rate='4.2548'", b"rate='-4.2548'")),
        (200, b'<!DOCTYPE x [<!ENTITY a "a"><!ENTITY b "&a;&a;">]><x>&b;</x>'),  # entities
        # External entities (XXE).
        (200, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
        # A rate that rounds to 0 at the six decimals stored: every division by it would fail.
        (200, ECB_FILE.read_bytes().replace(b"rate='4.2548'", b"rate='0.0000001'")),
        # The euro itself at another rate than 1: every conversion would drift.
        (200, ECB_FILE.read_bytes().replace(b"currency='PLN'", b"currency='EUR'")),
    ],
)
def test_it_keeps_the_last_rates_when_a_fetch_fails(ecb, settings, client, caplog, status, body):
    server, settings.EXCHANGE_RATES_URL = ecb
    server.status, server.body = status, body
    set_rates(date(2025, 10, 8), PLN="4.2")
    failed = fetches("failed")
    with caplog.at_level(logging.WARNING, logger="postings.rates"):
        assert refresh_exchange_rates() is False
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("4.2")
    assert fetches("failed") == failed + 1
    assert "exchange rates not fetched, the last ones stay" in caplog.text
    factories.live_posting(language="en", salary_min=4200, salary_currency="PLN")
    response = client.get("/en/jobs/?salary_min=1000")
    assert response.status_code == 200
    assert "Oct. 8, 2025" in response.content.decode()


def test_it_keeps_the_last_rates_when_the_server_is_gone(settings, rates, caplog):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EXCHANGE_RATES_URL = f"http://127.0.0.1:{port}/eurofxref-daily.xml"
    assert refresh_exchange_rates() is False
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("4.2548")


def test_it_gives_up_on_a_server_that_sends_the_file_a_few_bytes_at_a_time(ecb, settings, rates):
    # Each read within the timeout, the whole file in about 40 s: the worker is held no longer
    # than the timeout allows.
    server, settings.EXCHANGE_RATES_URL = ecb
    server.drip = 0.3
    settings.EXCHANGE_RATES_TIMEOUT = 1
    started = time.monotonic()
    assert refresh_exchange_rates() is False
    assert time.monotonic() - started < 4
    assert fetches("failed") >= 1
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("4.2548")


def test_it_keeps_newer_rates_than_a_stale_copy(ecb, settings):
    server, settings.EXCHANGE_RATES_URL = ecb
    set_rates(date(2025, 10, 10), PLN="4.26")
    assert refresh_exchange_rates() is False
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("4.26")


def test_it_fetches_the_rates_daily_from_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "postings.tasks.refresh_exchange_rates" in tasks


def test_it_shows_the_age_of_the_rates_in_the_metrics(client, rates):
    from django.utils import timezone

    body = client.get("/metrics").content.decode()
    age = (timezone.now().date() - ECB_DAY).days
    assert f"jobboard_exchange_rates_age_days {float(age)}" in body


def test_it_offers_the_rates_currencies_named_and_sorted_in_the_visitor_language(client, rates):
    factories.live_posting(language="pl", title="Kraków")

    def currencies(html: str) -> tuple[list[tuple[str, str]], list[str]]:
        select = re.search(r'<select id="id_salary_currency"[^>]*>(.*?)</select>', html, re.S)
        assert select
        shown = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        return shown, re.findall(r'<option value="([^"]*)" selected>', select[1])

    shown, selected = currencies(client.get("/pl/jobs/").content.decode())
    # Polish names in Polish order ("frank" before "funt", "złoty" last), the zloty chosen.
    assert shown == [
        ("EUR", "euro (EUR)"),
        ("CHF", "frank szwajcarski (CHF)"),
        ("GBP", "funt szterling (GBP)"),
        ("PLN", "złoty polski (PLN)"),
    ]
    assert selected == ["PLN"]
    # A minimum in another currency selects it; a currency without a rate is added to them.
    html = client.get("/pl/jobs/?salary_min=1&salary_currency=CHF").content.decode()
    assert currencies(html)[1] == ["CHF"]
    html = client.get("/pl/jobs/?salary_min=1&salary_currency=COP").content.decode()
    shown, selected = currencies(html)
    assert ("COP", "peso kolumbijskie (COP)") in shown and selected == ["COP"]
    # In French, French names.
    shown, _selected = currencies(client.get("/fr/jobs/").content.decode())
    assert ("CHF", "franc suisse (CHF)") in shown
