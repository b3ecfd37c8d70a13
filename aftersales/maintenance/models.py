"""Preventive maintenance: plans (how often, what to check), the jobs they generate per
unit and due date, and the technician's checklist results (append-only versions)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import AppendOnlyModel
from aftersales.field.models import SkillLevel


class ItemKind(models.TextChoices):
    CHECK = "check", _("Check (pass / fail)")
    MEASURE = "measure", _("Measured value")


class MaintenancePlan(models.Model):
    """What maintenance a set of units gets. The scope is exactly one of: a product model
    (all its units), one contract (its units while it is active) or a service plan (the
    units of every active contract on it). A unit gets the most specific applicable plan:
    contract, then service plan, then product model."""

    name = models.CharField(_("name"), max_length=120)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product model"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_plans",
    )  # fmt: skip
    contract = models.ForeignKey(
        "warranty.ServiceContract", verbose_name=_("contract"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_plans",
    )  # fmt: skip
    service_plan = models.ForeignKey(
        "warranty.ServicePlan", verbose_name=_("service plan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_plans",
    )  # fmt: skip
    every_months = models.PositiveSmallIntegerField(_("every (months)"), null=True, blank=True)
    every_hours = models.PositiveIntegerField(_("every (hours of use)"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=60)
    skill = models.ForeignKey(
        "catalog.Category", verbose_name=_("required skill"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    skill_level = models.PositiveSmallIntegerField(
        _("minimum level"), choices=SkillLevel.choices, default=SkillLevel.CERTIFIED
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                name="maintenance_plan_one_scope",
                condition=(
                    Q(product__isnull=False, contract__isnull=True, service_plan__isnull=True)
                    | Q(product__isnull=True, contract__isnull=False, service_plan__isnull=True)
                    | Q(product__isnull=True, contract__isnull=True, service_plan__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="maintenance_plan_has_frequency",
                condition=Q(every_months__isnull=False) | Q(every_hours__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self):
        return self.contract or self.service_plan or self.product

    @property
    def by_contract(self) -> bool:
        return self.contract_id is not None or self.service_plan_id is not None


class ChecklistItem(models.Model):
    plan = models.ForeignKey(
        MaintenancePlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("what to check"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    low = models.DecimalField(_("lowest"), max_digits=12, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(_("highest"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(pgettext_lazy("unit of measure", "unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class JobStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("maintenance job", "Open")
    DONE = "done", pgettext_lazy("maintenance job", "Done")
    SKIPPED = "skipped", pgettext_lazy("maintenance job", "Skipped (contract quota used)")
    CANCELLED = "cancelled", pgettext_lazy("maintenance job", "Cancelled")


class JobSource(models.TextChoices):
    CALENDAR = "calendar", _("Every N months")
    HOURS = "hours", _("Hours of use")
    NOW = "now", _("Asked for now")


class Outcome(models.TextChoices):
    PASSED = "passed", _("All checks passed")
    FAILED = "failed", _("Corrective action needed")


class MaintenanceJob(models.Model):
    """One maintenance of one unit under one plan, due on a day. The unique constraint
    makes generation idempotent: running the planner twice creates nothing new."""

    plan = models.ForeignKey(
        MaintenancePlan, verbose_name=_("plan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="jobs",
    )  # fmt: skip
    unit = models.ForeignKey(
        "assets.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
        related_name="maintenance_jobs",
    )  # fmt: skip
    due_on = models.DateField(_("due on"))
    due_hours = models.PositiveIntegerField(_("due at hours"), null=True, blank=True)
    source = models.CharField(_("why"), max_length=10, choices=JobSource.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.OPEN
    )
    contract = models.ForeignKey(
        "warranty.ServiceContract", verbose_name=_("contract"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_jobs",
    )  # fmt: skip
    chargeable = models.BooleanField(_("chargeable"), default=False)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("request"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_jobs",
    )  # fmt: skip
    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="maintenance_jobs",
    )  # fmt: skip
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    report = models.ForeignKey(
        "service.Attachment", verbose_name=_("report"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("maintenance job")
        verbose_name_plural = _("maintenance jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "plan", "due_on"], name="maintenance_job_once_per_due_date"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="maintenance_job_status_due")]

    def __str__(self) -> str:
        return f"{self.unit} {self.due_on}"

    @staticmethod
    def overdue_q() -> Q:
        """Open and due before today: what the list's "overdue only" shows."""
        return Q(status=JobStatus.OPEN, due_on__lt=timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.status == JobStatus.OPEN and self.due_on < timezone.localdate()


class ChecklistResult(AppendOnlyModel):
    """One saved version of a job's checklist. `items` snapshots each item (text, kind,
    range, unit) with what was found, so a later change of the plan never rewrites what
    was recorded. The version with `completed` is final: no version follows it."""

    job = models.ForeignKey(
        MaintenanceJob, on_delete=models.PROTECT, related_name="results", verbose_name=_("job")
    )
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)
    completed = models.BooleanField(_("completed"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["job", "number"]
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="maintenance_result_once")
        ]
