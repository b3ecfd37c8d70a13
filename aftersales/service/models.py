"""Service requests (工单), their append-only timeline and attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team
from aftersales.assets.models import Unit
from aftersales.catalog.models import FaultCode
from aftersales.core.models import AppendOnlyModel
from aftersales.customers.models import Contact, Customer
from aftersales.field.models import ServiceCenter
from aftersales.service.choices import (
    OPEN_STATUSES,
    PRIORITY_COLOURS,
    STATUS_COLOURS,
    CallDirection,
    Channel,
    Diagnosis,
    EventKind,
    Kind,
    Priority,
    ResolutionType,
    Status,
    Visibility,
)
from aftersales.warranty.models import FaultCause


class ServiceRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        """Open requests past a deadline whose clock is running: unanswered past the
        response deadline, unresolved past the resolution deadline (not while paused), or
        with a visit not yet made past the on-site deadline."""
        now = now or timezone.now()
        return self.open().filter(
            Q(first_response_at=None, response_due_at__lt=now)
            | Q(paused_at=None, resolution_due_at__lt=now)
            | Q(arrived_at=None, onsite_due_at__lt=now)
        )

    def at_risk(self, now=None):
        """Open requests not yet late on any running clock but past a warning time."""
        now = now or timezone.now()
        warned = (
            Q(first_response_at=None, response_warn_at__lte=now)
            | Q(paused_at=None, resolution_warn_at__lte=now)
            | Q(arrived_at=None, onsite_warn_at__lte=now)
        )
        return self.open().filter(warned).exclude(pk__in=self.overdue(now).values("pk"))


class ServiceRequest(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="requests"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPAIR)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )
    diagnosis = models.CharField(
        _("diagnosis"), max_length=20, choices=Diagnosis.choices, default=Diagnosis.UNKNOWN
    )
    fault_cause = models.CharField(
        _("fault cause"),
        max_length=20,
        choices=FaultCause.choices,
        default=FaultCause.UNKNOWN,
        help_text=_("Decides what warranty covers: a product defect, damage, wear…"),
    )
    # The warranty decision the request is handled under, as it was made (a snapshot):
    # later policy changes never rewrite it. See warranty.decision.
    entitlement = models.JSONField(_("entitlement"), default=dict, blank=True, editable=False)
    fault_codes = models.ManyToManyField(
        FaultCode, verbose_name=_("fault codes"), blank=True, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_requests",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    received_at = models.DateTimeField(
        _("received at"), help_text=_("When the customer reached us.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # --- Service-level clocks (see service.clocks) ---------------------------------
    needs_visit = models.BooleanField(
        _("on-site visit needed"),
        default=False,
        help_text=_("Starts the on-site arrival clock: 24 h in tier-1 cities, 48 h elsewhere."),
    )
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    onsite_due_at = models.DateTimeField(
        _("on-site arrival due"), null=True, blank=True, editable=False
    )
    # When the assignee is warned that the clock is running out (warn_at_percent of it).
    response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    onsite_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(
        _("first response"), null=True, blank=True, editable=False
    )
    arrived_at = models.DateTimeField(_("arrived on site"), null=True, blank=True, editable=False)
    # None while the clock runs (or when it never ran); True met, False breached.
    response_met = models.BooleanField(_("response in time"), null=True, editable=False)
    resolution_met = models.BooleanField(_("resolved in time"), null=True, editable=False)
    onsite_met = models.BooleanField(_("on site in time"), null=True, editable=False)
    # The resolution clock stands still while waiting (per the policy); the deadline moves
    # by the business time paused.
    paused_at = models.DateTimeField(_("clock paused since"), null=True, editable=False)
    paused_minutes = models.PositiveIntegerField(
        _("business minutes paused"), default=0, editable=False
    )
    # The update clock: the longest the customer may wait for news while the request is open.
    last_update_at = models.DateTimeField(
        _("last update to the customer"), null=True, blank=True, editable=False
    )
    update_due_at = models.DateTimeField(
        _("next update due"), null=True, blank=True, editable=False
    )
    # The policy, calendar, city tier and targets the deadlines were computed with.
    sla = models.JSONField(_("service level"), default=dict, blank=True, editable=False)
    resolution_type = models.CharField(
        _("resolution"), max_length=20, choices=ResolutionType.choices, blank=True
    )
    resolution_summary = models.TextField(_("resolution summary"), blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Bumped on every change; an edit based on an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["status", "-received_at"], name="sr_status_received"),
            models.Index(fields=["assignee", "status"], name="sr_assignee_status"),
            models.Index(fields=["-received_at", "-id"], name="sr_received"),
            models.Index(
                fields=["resolution_due_at"],
                name="sr_open_due",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            # The deadline watch looks for running clocks past their warning time.
            models.Index(
                fields=["resolution_warn_at"],
                name="sr_open_warn",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(
                fields=["response_warn_at"],
                name="sr_unanswered_warn",
                condition=Q(first_response_at=None),
            ),
            # The quality figures count requests resolved / closed in a period; without
            # these each such count read the whole table (at 1M: 300 ms a count).
            models.Index(
                fields=["resolved_at"], name="sr_resolved", condition=Q(resolved_at__isnull=False)
            ),
            models.Index(
                fields=["closed_at"], name="sr_closed", condition=Q(closed_at__isnull=False)
            ),
            # The backlog at a moment: requests never resolved (and neither cancelled nor
            # closed: analytics.kpis.NEVER_RESOLVED_STATUSES), and those resolved after it.
            models.Index(
                fields=["received_at"],
                name="sr_never_resolved",
                condition=Q(resolved_at=None) & ~Q(status__in=[Status.CANCELLED, Status.CLOSED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def late_clocks(self, now=None) -> list[str]:
        """The running clocks past their deadline: "response", "resolution", "onsite"."""
        if not self.is_open:
            return []
        now = now or timezone.now()
        running = {
            "response": self.first_response_at is None and self.response_due_at,
            "resolution": self.paused_at is None and self.resolution_due_at,
            "onsite": self.arrived_at is None and self.onsite_due_at,
        }
        return [name for name, due in running.items() if due and due < now]

    @property
    def is_overdue(self) -> bool:
        return bool(self.late_clocks())

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def priority_colour(self) -> str:
        return PRIORITY_COLOURS.get(self.priority, "secondary")


class TimelineEvent(AppendOnlyModel):
    """One thing that happened to a request. Never changed or deleted once written."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    body = models.TextField(_("text"), blank=True)
    # Kind-specific facts: {"from": .., "to": ..} for status, {"changes": {...}} for fields,
    # {"direction": .., "duration_minutes": ..} for calls.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_time")]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def call_direction_label(self) -> str:
        direction = self.data.get("direction")
        return str(CallDirection(direction).label) if direction in CallDirection.values else ""


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is not the uploaded one: it cannot collide or traverse directories.
    stamp = timezone.now()
    return f"attachments/{stamp:%Y/%m}/{instance.token}"


class Attachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.OneToOneField(
        TimelineEvent, on_delete=models.PROTECT, related_name="attachment", null=True
    )
    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
