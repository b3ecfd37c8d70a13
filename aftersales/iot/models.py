"""Remote monitoring: what units report over MQTT and the last state of each unit.

Readings are one row per message (`Telemetry`: the metrics and error codes the unit
sent, as JSON), kept compact by storing only what was sent; `UnitState` holds the latest
value of every metric so that pages and rules never scan the readings.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit
from aftersales.service.choices import Priority


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
    # Since when each threshold rule's condition has held without a break, by rule id
    # (ISO time): the rules need no scan of the readings to know "for N minutes".
    conditions = models.JSONField(_("conditions holding"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit state")
        verbose_name_plural = _("unit states")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.metrics}"


class RuleKind(models.TextChoices):
    OVER = "over", _("Metric over a threshold")
    UNDER = "under", _("Metric under a threshold")
    CODE = "code", _("Error code reported")
    SILENCE = "silence", _("No message for too long")


class RuleAction(models.TextChoices):
    REQUEST = "request", _("Open a service request")
    MAINTENANCE = "maintenance", _("Schedule preventive maintenance")


# Kinds that read a metric and a threshold; a code rule reads a code; silence neither.
THRESHOLD_KINDS = frozenset({RuleKind.OVER, RuleKind.UNDER})


class MonitorRule(models.Model):
    """What to do when a unit of a product model reports something wrong (or nothing)."""

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        related_name="monitor_rules",
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("when"), max_length=10, choices=RuleKind.choices)
    metric = models.CharField(_("metric"), max_length=64, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    code = models.CharField(_("error code"), max_length=32, blank=True)
    minutes = models.PositiveIntegerField(
        _("for at least (minutes)"),
        default=0,
        help_text=_(
            "Over / under: how long the condition must hold without a break. "
            "Silence: how long without any message."
        ),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    action = models.CharField(
        _("then"), max_length=12, choices=RuleAction.choices, default=RuleAction.REQUEST
    )
    tell_customer = models.BooleanField(
        _("tell the customer"),
        default=False,
        help_text=_("Send the customer a message that we noticed and are on it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["product__sku", "name"]
        verbose_name = _("monitoring rule")
        verbose_name_plural = _("monitoring rules")

    def __str__(self) -> str:
        return self.name


class Alarm(models.Model):
    """A rule that fired for a unit. While it is open (not cleared) the rule does not fire
    again for that unit: one request per unit and rule, however many messages say so.
    It clears when its request is done (or, for maintenance, when the condition ends)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="alarms"
    )
    rule = models.ForeignKey(
        MonitorRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="alarms"
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="iot_alarms",
    )
    raised_at = models.DateTimeField(_("raised at"))
    since = models.DateTimeField(_("condition since"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    readings = models.JSONField(_("readings"), default=dict, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            # Two messages at once (or two subscribers) still make one alarm, one request.
            models.UniqueConstraint(
                fields=["unit", "rule"],
                condition=models.Q(cleared_at=None),
                name="iot_one_open_alarm_per_unit_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.unit_id}"
