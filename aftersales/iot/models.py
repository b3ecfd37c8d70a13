"""Remote monitoring: what units report over MQTT and the last state of each unit.

Readings are one row per message (`Telemetry`: the metrics and error codes the unit
sent, as JSON), kept compact by storing only what was sent; `UnitState` holds the latest
value of every metric so that pages and rules never scan the readings.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit


class Telemetry(models.Model):
    """One message from a unit: metrics by name and the error codes it raised."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="telemetry"
    )
    at = models.DateTimeField(_("measured at"))
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    codes = models.JSONField(_("error codes"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        # A message delivered twice (MQTT QoS 1 after a reconnect) is one reading.
        constraints = [
            models.UniqueConstraint(fields=["unit", "at"], name="iot_reading_once_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.at:%Y-%m-%d %H:%M:%S}"


class UnitState(models.Model):
    """The latest of everything a unit reported, and when it was last heard from."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="iot_state"
    )
    last_seen_at = models.DateTimeField(_("last heard from"))
    metrics = models.JSONField(_("latest metrics"), default=dict, blank=True)
    codes = models.JSONField(_("active error codes"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit state")
        verbose_name_plural = _("unit states")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.metrics}"
