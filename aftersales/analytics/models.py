"""Stored monthly service-quality reports and to whom each was mailed.

A report is one service center's month in one language, kept as PDF bytes in the
database (a worker makes it and any web process serves it: no local file to share).
Generating it again replaces it. Each person gets a center's month by mail once: the
delivery row is unique per center, month and person, whatever the language or how often
the report was regenerated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualityReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey(
        "field.ServiceCenter",
        verbose_name=_("service center"),
        on_delete=models.PROTECT,
        related_name="quality_reports",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The last good PDF: kept while the report is generated again, so it stays readable.
    pdf = models.BinaryField(_("PDF"), editable=False, default=b"")
    pdf_size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the monthly job."),
    )
    requested_at = models.DateTimeField(_("requested at"))
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "center__code", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "month", "language"], name="quality_report_unique"
            )
        ]
        verbose_name = _("quality report")
        verbose_name_plural = _("quality reports")

    def __str__(self) -> str:
        return f"{self.center} {self.month:%Y-%m} {self.language}"

    @property
    def has_pdf(self) -> bool:
        return self.pdf_size > 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class QualityReportDelivery(models.Model):
    """The report of a center's month mailed to one person, and how that went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(
        QualityReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The report's center and month again, so that the database itself refuses a second
    # mail of the same month to the same person (also in another language).
    center = models.ForeignKey(
        "field.ServiceCenter", on_delete=models.PROTECT, related_name="+", editable=False
    )
    month = models.DateField(editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    to_address = models.EmailField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Queued: when to try next. Sending: until when the sender's claim holds.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "month", "user"], name="quality_report_delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="report_mail_due_idx")]
        verbose_name = _("quality report mail")
        verbose_name_plural = _("quality report mails")

    def __str__(self) -> str:
        return f"{self.report} → {self.to_address} ({self.status})"
