"""Visits (work orders) and their day plans.

A visit is one trip of a technician to a customer for a service request. Every change to a
visit appends a `service.TimelineEvent` of kind `visit` on its request (see services.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.field.models import SkillLevel


class VisitStatus(models.TextChoices):
    UNSCHEDULED = "unscheduled", _("Unscheduled")  # needs a date/technician
    SCHEDULED = "scheduled", _("Scheduled")  # technician and planned start set
    TRAVELLING = "travelling", _("Travelling")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class NotFixedReason(models.TextChoices):
    PARTS = "parts", _("Parts needed")
    SKILL = "skill", _("Another skill needed")
    CUSTOMER_ABSENT = "customer_absent", _("Customer absent")
    MORE_TIME = "more_time", _("More time needed")
    OTHER = "other", _("Other")


def _coordinate(label):
    return models.DecimalField(label, max_digits=9, decimal_places=6, null=True, blank=True)


class Visit(models.Model):
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"),
        on_delete=models.PROTECT, related_name="visits",
    )  # fmt: skip
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"),
        on_delete=models.PROTECT, related_name="visits",
    )  # fmt: skip
    technician = models.ForeignKey(
        "field.Technician", verbose_name=_("technician"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="visits",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.UNSCHEDULED
    )
    day = models.DateField(_("day"), null=True, blank=True)
    window_start = models.DateTimeField(_("window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("window until"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("route order"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    skill = models.ForeignKey(
        "catalog.Category", verbose_name=_("required skill"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # The least level of that skill (`field.SkillLevel`); none: any level will do.
    skill_level = models.PositiveSmallIntegerField(
        _("minimum skill level"), choices=SkillLevel.choices, null=True, blank=True
    )
    onsite_due_at = models.DateTimeField(_("on-site arrival due"), null=True, blank=True)
    latitude = _coordinate(_("latitude"))
    longitude = _coordinate(_("longitude"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("The dispatcher fixed the technician by hand.")
    )
    travel_started_at = models.DateTimeField(_("travel started"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_in_latitude = _coordinate(_("check-in latitude"))
    check_in_longitude = _coordinate(_("check-in longitude"))
    check_out_latitude = _coordinate(_("check-out latitude"))
    check_out_longitude = _coordinate(_("check-out longitude"))
    work_done = models.TextField(_("work done"), blank=True)
    first_time_fix = models.BooleanField(_("fixed on the first visit"), null=True, blank=True)
    not_fixed_reason = models.CharField(
        _("why not fixed"), max_length=20, choices=NotFixedReason.choices, blank=True
    )
    customer_comment = models.TextField(_("customer comment"), blank=True)
    customer_rating = models.PositiveSmallIntegerField(
        _("customer rating"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(_("signature"), upload_to="signatures/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped on every change; a change based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["day", "technician_id", "sequence", "planned_start", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["technician", "day"], name="visit_technician_day"),
            models.Index(fields=["center", "day"], name="visit_center_day"),
            models.Index(fields=["status"], name="visit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in (VisitStatus.COMPLETED, VisitStatus.CANCELLED)

    @property
    def position(self):
        """(latitude, longitude) of the visit, or the center's, or None."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        if self.center.latitude is not None and self.center.longitude is not None:
            return (self.center.latitude, self.center.longitude)
        return None
