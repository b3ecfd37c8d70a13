"""A complaint: a service request of kind complaint plus what complaint handling needs —
severity, what it is about, the apology and first contact, the root cause and corrective
action, and a manager's sign-off. `ComplaintEvent` is its append-only history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


SEVERITY_COLOURS = {Severity.MINOR: "info", Severity.MAJOR: "warning", Severity.CRITICAL: "danger"}


class ApologyHow(models.TextChoices):
    CALL = "call", _("Phone call")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("In person (visit)")


class RootCause(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    ATTITUDE = "attitude", _("Service attitude")
    LATE = "late", _("Late or no-show")
    REPAIR_QUALITY = "repair_quality", _("Repair quality")
    PRICE = "price", _("Price or charges")
    COMMUNICATION = "communication", _("Communication")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Complaint(models.Model):
    request = models.OneToOneField(
        "service.ServiceRequest", verbose_name=_("service request"),
        on_delete=models.PROTECT, related_name="complaint",
    )  # fmt: skip
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"),
        on_delete=models.PROTECT, related_name="complaints",
    )  # fmt: skip
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    about_request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("about request"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints_about",
    )  # fmt: skip
    about_visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("about visit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints",
    )  # fmt: skip
    about_technician = models.ForeignKey(
        "field.Technician", verbose_name=_("about technician"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints",
    )  # fmt: skip
    about_product = models.ForeignKey(
        "catalog.Product", verbose_name=_("about product"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints",
    )  # fmt: skip
    repeat = models.BooleanField(_("repeated complaint"), default=False)
    previous = models.ForeignKey(
        "self", verbose_name=_("earlier complaint"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    apology_at = models.DateTimeField(_("apologised at"), null=True, blank=True)
    apology_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("apologised by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    apology_how = models.CharField(
        _("apology made by"), max_length=10, choices=ApologyHow.choices, blank=True
    )
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    root_cause = models.CharField(
        _("root cause"), max_length=20, choices=RootCause.choices, blank=True
    )
    root_cause_detail = models.TextField(_("root cause detail"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    cause_at = models.DateTimeField(_("root cause recorded at"), null=True, blank=True)
    cause_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("root cause recorded by"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    sign_off_note = models.TextField(_("sign-off note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="complaint_customer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} ({self.get_severity_display()})"

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")

    @property
    def apologised(self) -> bool:
        return self.apology_at is not None

    @property
    def cause_recorded(self) -> bool:
        return bool(self.root_cause and self.corrective_action)

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


class ComplaintEvent(AppendOnlyModel):
    """One step of a complaint as it happened. Written once, never changed."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Complaint opened")
        APOLOGY = "apology", _("Apology and first contact")
        CAUSE = "cause", _("Root cause and corrective action")
        SIGNED_OFF = "signed_off", _("Signed off by a manager")
        SIGN_OFF_VOID = "sign_off_void", _("Sign-off void: the request was reopened")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"
