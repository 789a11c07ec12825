# The reference rates of a recent day, so that a fresh install compares salaries across
# currencies before the first daily fetch (postings.tasks.refresh_exchange_rates) replaces them:
# the European Central Bank's file of 9 October 2025 (eurofxref-daily.xml, the same copy as
# tests/data/eurofxref-daily.xml). A table that has rates already (a fetch ran) is left alone.

from datetime import date
from decimal import Decimal

from django.db import migrations

DAY = date(2025, 10, 9)
RATES = [
    ("EUR", "1"),
    ("USD", "1.1611"),
    ("JPY", "177.40"),
    ("BGN", "1.9558"),
    ("CZK", "24.326"),
    ("DKK", "7.4668"),
    ("GBP", "0.86830"),
    ("HUF", "390.98"),
    ("PLN", "4.2548"),
    ("RON", "5.0945"),
    ("SEK", "10.9870"),
    ("CHF", "0.9309"),
    ("ISK", "141.80"),
    ("NOK", "11.6240"),
    ("TRY", "48.4464"),
    ("AUD", "1.7600"),
    ("BRL", "6.1877"),
    ("CAD", "1.6198"),
    ("CNY", "8.2698"),
    ("HKD", "9.0334"),
    ("IDR", "19227.64"),
    ("ILS", "3.7684"),
    ("INR", "103.1025"),
    ("KRW", "1647.80"),
    ("MXN", "21.2683"),
    ("MYR", "4.8952"),
    ("NZD", "2.0097"),
    ("PHP", "67.553"),
    ("SGD", "1.5048"),
    ("THB", "37.817"),
    ("ZAR", "19.8575"),
]


def add_rates(apps, schema_editor) -> None:
    ExchangeRate = apps.get_model("postings", "ExchangeRate")
    if not ExchangeRate.objects.exists():
        ExchangeRate.objects.bulk_create(
            [ExchangeRate(currency=code, rate=Decimal(rate), day=DAY) for code, rate in RATES]
        )


class Migration(migrations.Migration):
    dependencies = [("postings", "0020_exchange_rates")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
