from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "aftersales.followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from aftersales.followup import receivers

        receivers.connect()
