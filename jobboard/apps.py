from django.contrib.admin.apps import AdminConfig


class PanelAdminConfig(AdminConfig):
    """django.contrib.admin, with the panel's site (jobboard.panel) as the default one."""

    default_site = "jobboard.panel.PanelSite"
