from django.db import migrations

from accounts.roles import sync_groups_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("postings", "0008_publishing_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_groups_in_migration, migrations.RunPython.noop)]
