from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jobboard.metrics import register_business


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Email alerts")

    def ready(self) -> None:
        from . import metrics  # models are importable only once the apps are ready

        register_business(metrics.collect)
