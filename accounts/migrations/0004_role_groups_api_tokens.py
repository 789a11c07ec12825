from django.db import migrations

from accounts.roles import sync_groups_in_migration


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens")]

    operations = [migrations.RunPython(sync_groups_in_migration, migrations.RunPython.noop)]
