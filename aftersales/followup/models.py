"""Follow-up after resolution (回访): when to call, the calls made, and what was heard.

A `FollowUp` is scheduled when a request is resolved or a visit completed (one open per
request), due after the days its `FollowUpRule` says (default 3). The agent calls and
records each try (`FollowUpAttempt`, append-only); the outcome closes the request
(solved) or reopens it (not solved); a customer who cannot be reached is tried again
later, a few times, then the follow-up is given up. A follow-up by message sends a
`Survey` link instead; a low score opens a recovery follow-up for the team lead.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel
from aftersales.service.choices import Kind


class Method(models.TextChoices):
    CALL = "call", _("Phone call")
    MESSAGE = "message", _("Message with a survey link")


class FollowUpRule(models.Model):
    """When and how to follow up, per kind of request and service plan (empty: any). The
    most specific active rule applies; without one, a call after 3 days."""

    kind = models.CharField(_("request kind"), max_length=20, choices=Kind.choices, blank=True)
    plan = models.ForeignKey(
        "warranty.ServicePlan", verbose_name=_("service plan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    days = models.PositiveSmallIntegerField(
        _("days after resolution"), default=3, validators=[MaxValueValidator(60)]
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices,
                              default=Method.CALL)  # fmt: skip
    script = models.TextField(
        _("call script"), blank=True,
        help_text=_("What the agent says and asks on the call, shown on the follow-up page."),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "plan__code"]
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "plan"], condition=Q(active=True), name="followup_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display() or _('any kind')} · {self.plan or _('any plan')}"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Could not reach")
    CANCELLED = "cancelled", _("Cancelled")


class Purpose(models.TextChoices):
    CHECK = "check", _("Is it solved?")
    RECOVERY = "recovery", _("Service recovery")


class FollowUp(models.Model):
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices,
                               default=Purpose.CHECK)  # fmt: skip
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"),
        on_delete=models.PROTECT, related_name="followups",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="followups",
    )  # fmt: skip
    method = models.CharField(_("method"), max_length=10, choices=Method.choices,
                              default=Method.CALL)  # fmt: skip
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="followups",
    )  # fmt: skip
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    comments = models.TextField(_("customer's comments"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Bumped on every change; a change based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["status", "due_at"], name="followup_due_idx")]
        constraints = [
            # One open follow-up per request: a resolution and its visit's check-out
            # arriving together make one call, not two.
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="open"), name="followup_one_open"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__range=(1, 5)),
                name="followup_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class Reached(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Line busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class FollowUpAttempt(AppendOnlyModel):
    """One try to reach the customer, as the agent recorded it."""

    followup = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="calls")
    result = models.CharField(_("result"), max_length=14, choices=Reached.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")

    def __str__(self) -> str:
        return f"{self.followup_id} {self.result}"


class Survey(models.Model):
    """The satisfaction survey of a request, answered once through its signed link.

    The answer is tied to the request and, for reporting, to the technician and service
    center of its last completed visit and to the customer, as they were when answered.
    """

    request = models.OneToOneField(
        "service.ServiceRequest", verbose_name=_("service request"),
        on_delete=models.PROTECT, related_name="survey",
    )  # fmt: skip
    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="surveys",
    )  # fmt: skip
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="surveys",
    )  # fmt: skip
    technician = models.ForeignKey(
        "field.Technician", verbose_name=_("technician"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="surveys",
    )  # fmt: skip
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="surveys",
    )  # fmt: skip
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(
        _("satisfaction (CSAT 1–5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    nps = models.PositiveSmallIntegerField(
        _("would recommend (NPS 0–10)"), null=True, blank=True,
        validators=[MaxValueValidator(10)],
    )  # fmt: skip
    timeliness = models.PositiveSmallIntegerField(_("timeliness (1–5)"), null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(
        _("technician's attitude (1–5)"), null=True, blank=True
    )
    skill = models.PositiveSmallIntegerField(_("technician's skill (1–5)"), null=True, blank=True)
    text = models.TextField(_("comments"), blank=True)
    low_score = models.BooleanField(_("low score"), default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__range=(1, 5)), name="survey_csat_range"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__range=(0, 10)), name="survey_nps_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.csat or '-'}/{self.nps if self.nps is not None else '-'}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
