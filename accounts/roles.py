"""The model permissions of each panel role. Which companies a user reaches is not here: that
is their memberships (tenancy.py)."""

GROUP_PERMISSIONS = {
    "Recruiters": [
        "postings.view_posting",
        "postings.add_posting",
        "postings.change_posting",
        "postings.delete_posting",
        "postings.view_company",
        "postings.change_company",  # company admins only, per object
        "postings.view_category",
        "postings.view_importsource",
        "postings.add_importsource",
        "postings.change_importsource",
        "postings.delete_importsource",
        "postings.view_importrun",
        "accounts.view_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "accounts.view_invitation",
        "accounts.add_invitation",
        "accounts.delete_invitation",
        "accounts.view_apitoken",
        "accounts.add_apitoken",
        "accounts.change_apitoken",
    ],
    "Moderators": [
        "postings.view_posting",
        "postings.change_posting",
        "postings.delete_posting",
        "postings.review_posting",
        "postings.view_postingforreview",
        "postings.change_postingforreview",
        "postings.view_company",
        "postings.add_company",
        "postings.change_company",
        "postings.view_category",
        "postings.add_category",
        "postings.change_category",
        "postings.view_importsource",
        "postings.view_importrun",
        "accounts.view_membership",
        "accounts.view_invitation",
    ],
}


def sync_groups(group_model, permission_model) -> None:
    """Create the role groups with exactly their permissions (models passed in, so that a
    migration can call it with its historical models). A permission of a model that a later
    migration creates is skipped: that migration syncs again."""
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def sync_groups_in_migration(apps, schema_editor) -> None:
    """RunPython step: permissions are made after all migrations; the groups need them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
