# The European Central Bank's reference rates, for salaries compared and shown across currencies
# (postings/rates.py). A change of rates changes every language's pages (converted amounts, the
# salary filter's results), so a statement-level trigger bumps every language's data version,
# the page cache's key, as a category write does (migration 0014: same function, same lock
# order). A small table of its own: no lock on postings, no scan.

import importlib

from django.db import migrations, models

versions = importlib.import_module("postings.migrations.0014_language_versions")

FORWARD = f"""
CREATE FUNCTION postings_rates_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {versions.bumped(versions.LANGUAGES)}
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_rates_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON postings_exchangerate FOR EACH STATEMENT EXECUTE FUNCTION postings_rates_changed();
"""
BACKWARD = """
DROP TRIGGER postings_rates_changed ON postings_exchangerate;
DROP FUNCTION postings_rates_changed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0019_panel_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('currency', models.CharField(max_length=3, primary_key=True, serialize=False)),
                ('rate', models.DecimalField(decimal_places=6, max_digits=18)),
                ('day', models.DateField()),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='rate_positive')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
