"""Partner settlement (网点结算): fee rates, accruals per completed visit, statements.

A `FeeRate` says what a partner center earns for a kind of job, optionally for one product
category; a rate for a center beats the default for all partners, and a category rate beats
one for any category. Every visit completed at a partner center accrues one `FeeAccrual`
(append-only history); a monthly `Statement` per center collects them, a manager approves
it (its lines are then frozen) and exports it. A visit completed after its month's
statement was approved is carried over into the next open month, flagged as such.

Piece rates (计件) are fee rates whose payee is the technician: where a company pays its
technicians (own or partner) per job, each completed visit also accrues the technician's
piece rate; a monthly piece-work report per technician sums them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel
from aftersales.service.choices import Kind


class Payee(models.TextChoices):
    CENTER = "center", _("Partner center (网点结算)")
    TECHNICIAN = "technician", _("Technician (piece rate)")


class FeeRate(models.Model):
    payee = models.CharField(
        _("paid to"), max_length=12, choices=Payee.choices, default=Payee.CENTER
    )
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="fee_rates",
        help_text=_(
            "Empty: the default for every partner center (or, for piece rates, for the "
            "technicians of every center)."
        ),
    )  # fmt: skip
    kind = models.CharField(_("job kind"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("product category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: any product category."),
    )  # fmt: skip
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["payee", "center__code", "kind", "category__code", "-valid_from"]
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="settlement_rate_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="settlement_rate_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.center or _('all partners')} {self.get_kind_display()} {self.amount}"


class FeeAccrual(AppendOnlyModel):
    """What one completed visit earned its partner center, or its technician at a piece
    rate: at most one of each per visit. Written once, never changed."""

    visit = models.ForeignKey(
        "dispatch.Visit", verbose_name=_("visit"), on_delete=models.PROTECT,
        related_name="fee_accruals",
    )  # fmt: skip
    payee = models.CharField(
        _("paid to"), max_length=12, choices=Payee.choices, default=Payee.CENTER
    )
    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
        related_name="fee_accruals",
    )  # fmt: skip
    technician = models.ForeignKey(
        "field.Technician", verbose_name=_("technician"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="fee_accruals",
    )  # fmt: skip
    kind = models.CharField(_("job kind"), max_length=20, choices=Kind.choices)
    rate = models.ForeignKey(
        FeeRate, verbose_name=_("fee rate"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="accruals",
    )  # fmt: skip
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2)
    no_rate = models.BooleanField(_("no rate found"), default=False)
    accrued_at = models.DateTimeField(_("accrued at"), default=timezone.now, editable=False)
    month = models.DateField(
        _("month"),
        help_text=_(
            "First day of the month it is settled in: that of check-out, or the next open "
            "one when that month's statement was already approved."
        ),
    )
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Completed in an earlier month whose statement was already approved."),
    )

    class Meta:
        ordering = ["month", "center_id", "id"]
        verbose_name = _("fee accrual")
        verbose_name_plural = _("fee accruals")
        indexes = [models.Index(fields=["center", "month"], name="settlement_accrual_month")]
        constraints = [
            models.UniqueConstraint(fields=["visit", "payee"], name="settlement_accrual_once")
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.month:%Y-%m} {self.amount}"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported")


class Statement(models.Model):
    """A partner center's monthly statement; its lines are frozen once approved."""

    center = models.ForeignKey(
        "field.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
        related_name="statements",
    )  # fmt: skip
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    total = models.DecimalField(_("total (CNY)"), max_digits=12, decimal_places=2, default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    no_rate_count = models.PositiveIntegerField(_("lines without a rate"), default=0)
    lines = models.ManyToManyField(
        FeeAccrual, verbose_name=_("lines"), through="StatementLine", related_name="statements"
    )
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("built by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "center__code"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["center", "month"], name="settlement_statement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.center} {self.month:%Y-%m}"

    @property
    def is_frozen(self) -> bool:
        return self.status != StatementStatus.DRAFT


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    accrual = models.OneToOneField(
        FeeAccrual, on_delete=models.PROTECT, related_name="statement_line"
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.accrual_id}"
