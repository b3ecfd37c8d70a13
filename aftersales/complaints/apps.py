from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "aftersales.complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from aftersales.complaints import receivers

        receivers.connect()
