from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aftersales.faults"
    verbose_name = _("Fault statistics")
