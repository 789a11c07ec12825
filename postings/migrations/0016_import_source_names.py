"""A source's name is written in plain words ("Feed ATS Hispano"); the slug beside it is derived
from the name. Every name so far was a slug already, so it is its own slug."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("postings", "0015_search_context_on_rename")]

    operations = [
        migrations.AlterField(
            model_name="importsource",
            name="name",
            field=models.CharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="importsource",
            name="slug",
            field=models.SlugField(default="", editable=False, max_length=100, verbose_name="slug"),
        ),
        migrations.RunSQL(
            "UPDATE postings_importsource SET slug = name", reverse_sql=migrations.RunSQL.noop
        ),
    ]
