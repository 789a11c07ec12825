from django.db import models


class ExchangeRate(models.Model):
    """How many units of a currency one euro buys, by the European Central Bank's reference rates
    of `day` (postings/rates.py fetches them daily). One day's set at a time, the euro itself
    included at 1, so that any two currencies of the set convert through it. A statement-level
    trigger (migration 0019) bumps every language's data version on a change: converted amounts
    and salary filters are on every language's pages."""

    currency = models.CharField(max_length=3, primary_key=True)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    day = models.DateField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive")]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate} {self.currency} ({self.day})"
