# Where and how far: the City table (filled by the next migration), each posting's point, set
# by a trigger on every write of its city or country whatever the path (panel, imports, partner
# API, bulk writes), and earthdistance's GiST index for "within 25 km of".

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import CreateExtension
import django.db.models.deletion
from django.db import migrations, models

# The point of a posting's city in its country: the name as written, else without what follows
# a comma, slash or parenthesis ("Zürich (ZH)", "Lyon, Rhône"); compared folded (lower case, no
# accents) as the City table's keys are; the largest city of that name wins. postings/places.py
# looks the seekers' "where" up with the same folding.
GEOCODE = r'''
CREATE FUNCTION postings_city_point(text, text, OUT latitude float8, OUT longitude float8)
LANGUAGE sql STABLE AS $$
  SELECT c.latitude, c.longitude
  FROM postings_cityname n JOIN postings_city c ON c.id = n.city_id
  WHERE n.country = $2
    AND n.key IN (lower(unaccent(btrim($1))),
                  lower(unaccent(btrim(regexp_replace($1, '\s*[(,/].*$', '')))))
  ORDER BY n.key = lower(unaccent(btrim($1))) DESC, n.population DESC
  LIMIT 1
$$;
CREATE FUNCTION postings_geocode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT point.latitude, point.longitude INTO NEW.latitude, NEW.longitude
  FROM postings_city_point(NEW.city, NEW.country) AS point;
  RETURN NEW;
END $$;
CREATE TRIGGER postings_geocode BEFORE INSERT OR UPDATE OF city, country ON postings_posting
FOR EACH ROW EXECUTE FUNCTION postings_geocode();
'''


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0018_language_check'),
    ]

    operations = [
        CreateExtension("cube"),
        CreateExtension("earthdistance"),
        migrations.CreateModel(
            name='City',
            fields=[
                ('id', models.IntegerField(primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('country', models.CharField(max_length=2, verbose_name='country')),
                ('latitude', models.FloatField(verbose_name='latitude')),
                ('longitude', models.FloatField(verbose_name='longitude')),
                ('population', models.PositiveIntegerField(verbose_name='population')),
            ],
            options={
                'verbose_name': 'city',
                'verbose_name_plural': 'cities',
            },
        ),
        migrations.CreateModel(
            name='CityName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('key', models.CharField(max_length=200)),
                ('country', models.CharField(max_length=2)),
                ('population', models.PositiveIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name='posting',
            name='latitude',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='posting',
            name='longitude',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='longitude'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=django.contrib.postgres.indexes.GistIndex(models.Func('latitude', 'longitude', function='ll_to_earth'), condition=models.Q(('status', 'published')), name='posting_published_earth_idx'),
        ),
        migrations.AddField(
            model_name='cityname',
            name='city',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='names', to='postings.city'),
        ),
        migrations.AddIndex(
            model_name='cityname',
            index=models.Index(fields=['key'], name='cityname_key_idx', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddConstraint(
            model_name='cityname',
            constraint=models.UniqueConstraint(fields=('city', 'name'), name='cityname_unique_name'),
        ),
        migrations.RunSQL(GEOCODE, "DROP TRIGGER postings_geocode ON postings_posting;"
                          " DROP FUNCTION postings_geocode(); DROP FUNCTION postings_city_point(text, text);"),
    ]
