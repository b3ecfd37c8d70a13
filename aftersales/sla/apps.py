from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aftersales.sla"
    verbose_name = _("Service levels")

    def ready(self):
        from aftersales.sla import config

        # Every change to an SLA row invalidates the cached configuration.
        config.connect()
