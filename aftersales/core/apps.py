from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    verbose_name = _("Core")

    def ready(self):
        # Without a broker, a web server process runs background work and the periodic
        # jobs itself (core.background, "thread" mode); elsewhere this does nothing.
        from aftersales.core import background

        background.start_if_needed()
