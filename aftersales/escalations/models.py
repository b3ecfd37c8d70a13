"""Escalation rules (data a manager edits) and the escalations they caused (append-only)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class Clock(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    ONSITE = "onsite", _("On-site arrival")
    UPDATE = "update", _("Periodic update")


class Trigger(models.TextChoices):
    WARNING = "warning", _("Deadline near (warning share of the time used)")
    BREACH = "breach", _("Deadline passed")


class EscalationRule(models.Model):
    """When a clock reaches a point, who is told and what is done about it."""

    name = models.CharField(_("name"), max_length=100)
    clock = models.CharField(_("clock"), max_length=12, choices=Clock.choices)
    trigger = models.CharField(_("when"), max_length=10, choices=Trigger.choices)
    after_minutes = models.PositiveIntegerField(
        _("minutes after the deadline"),
        default=0,
        help_text=_("For a second level: fire only this long after the breach."),
    )
    policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("only for SLA policy"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escalation_rules",
        help_text=_("Empty: every request."),
    )
    notify_assignee = models.BooleanField(_("tell the assignee"), default=False)
    notify_team_lead = models.BooleanField(_("tell the team lead"), default=False)
    notify_managers = models.BooleanField(_("tell the service managers"), default=False)
    raise_priority = models.BooleanField(
        _("raise the priority one step"),
        default=False,
        help_text=_("The deadlines already promised to the customer stay as they are."),
    )
    reassign_to_lead = models.BooleanField(_("hand the request to the team lead"), default=False)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["clock", "trigger", "after_minutes", "id"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trigger="breach") | models.Q(after_minutes=0),
                name="escalation_delay_only_after_breach",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Escalation(AppendOnlyModel):
    """A rule fired for one deadline of one request; at most once per deadline."""

    request = models.ForeignKey(
        "service.ServiceRequest", on_delete=models.PROTECT, related_name="escalations"
    )
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="fired")
    clock = models.CharField(max_length=12, choices=Clock.choices)
    due_at = models.DateTimeField(_("deadline"))
    fired_at = models.DateTimeField(_("fired at"))
    # What was done: {"notified": [user ids], "priority": [old, new], "assignee": [old, new]}
    actions = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "rule", "due_at"], name="escalation_once_per_deadline"
            )
        ]
