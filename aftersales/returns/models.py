"""Returns (RMA): return authorisations for a refund (包退), an exchange (包换) or a depot
repair, their append-only history, the accessory deductions a manager keeps, and trade-in
(折价回收): the valuation table and the credits it gives.

A `ReturnAuthorisation` moves authorised → received → inspected → one outcome (refunded,
exchanged, repaired and shipped back, or rejected) → closed. Each step is a `ReturnEvent`
and an entry on the service request's timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel
from aftersales.warranty.models import PaymentMethod, Remedy


class RmaKind(models.TextChoices):
    REFUND = "refund", _("Refund (return)")
    EXCHANGE = "exchange", _("Exchange")
    DEPOT_REPAIR = "depot_repair", _("Depot repair")


# The warranty remedy each kind of return needs.
REMEDY_OF_KIND = {
    RmaKind.REFUND: Remedy.REFUND,
    RmaKind.EXCHANGE: Remedy.EXCHANGE,
    RmaKind.DEPOT_REPAIR: Remedy.REPAIR,
}


class RmaStatus(models.TextChoices):
    AUTHORISED = "authorised", _("Authorised")
    RECEIVED = "received", _("Item received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    REPAIRED_SHIPPED = "repaired_shipped", _("Repaired and shipped back")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


OUTCOME_STATUSES = frozenset(
    {RmaStatus.REFUNDED, RmaStatus.EXCHANGED, RmaStatus.REPAIRED_SHIPPED, RmaStatus.REJECTED}
)
OPEN_STATUSES = frozenset(
    {RmaStatus.AUTHORISED, RmaStatus.RECEIVED, RmaStatus.INSPECTED} | OUTCOME_STATUSES
)

STATUS_COLOURS = {
    RmaStatus.AUTHORISED: "primary",
    RmaStatus.RECEIVED: "info",
    RmaStatus.INSPECTED: "warning",
    RmaStatus.REFUNDED: "success",
    RmaStatus.EXCHANGED: "success",
    RmaStatus.REPAIRED_SHIPPED: "success",
    RmaStatus.REJECTED: "danger",
    RmaStatus.CLOSED: "dark",
}


class Condition(models.TextChoices):
    """The state of a returned or traded-in unit, best first."""

    AS_NEW = "as_new", _("As new")
    GOOD = "good", _("Good (light signs of use)")
    FAIR = "fair", _("Fair (visible wear)")
    POOR = "poor", _("Poor (damaged or incomplete)")


class AccessoryDeduction(models.Model):
    """What a refund loses when an accessory is missing: a fixed amount or a percentage of
    the price paid. Kept by a manager; for a product category or for every product."""

    name = models.CharField(_("accessory"), max_length=100)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any product category."),
    )
    amount = models.DecimalField(
        _("deduction (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("deduction (percent of price paid)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__code", "name", "id"]
        verbose_name = _("accessory deduction")
        verbose_name_plural = _("accessory deductions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__isnull=False) & Q(percent__isnull=True))
                | (Q(amount__isnull=True) & Q(percent__isnull=False)),
                name="returns_deduction_amount_or_percent",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="returns_deduction_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="returns_deduction_percent_range",
            ),
        ]

    def __str__(self) -> str:
        how = f"{self.amount} CNY" if self.amount is not None else f"{self.percent}%"
        return f"{self.name} ({how})"


class ReturnAuthorisation(models.Model):
    number = models.CharField(_("RMA number"), max_length=32, unique=True)
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="returns",
    )
    unit = models.ForeignKey(
        "assets.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="returns"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="returns",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RmaKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RmaStatus.choices, default=RmaStatus.AUTHORISED
    )
    reason = models.TextField(_("customer's reason"), blank=True)
    price_paid = models.DecimalField(
        _("price paid (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The warranty decision at authorisation, and the override when it did not allow it.
    allowed_remedies = models.JSONField(_("remedies the warranty allowed"), default=list)
    warranty_reasons = models.JSONField(_("warranty reasons"), default=list, blank=True)
    overridden = models.BooleanField(_("manager override"), default=False)
    override_reason = models.TextField(_("override reason"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("authorised at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Receipt.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )
    accessories_present = models.TextField(_("accessories present"), blank=True)
    missing_accessories = models.ManyToManyField(
        AccessoryDeduction, verbose_name=_("missing accessories"), blank=True, related_name="+"
    )
    receipt_note = models.TextField(_("receipt note"), blank=True)
    # Inspection.
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    fault_confirmed = models.BooleanField(_("fault confirmed"), null=True, blank=True)
    customer_damage = models.BooleanField(_("customer damage found"), default=False)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    # Outcome.
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)
    refund_amount = models.DecimalField(
        _("refund (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deductions = models.DecimalField(
        _("deductions (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deduction_lines = models.JSONField(_("deduction lines"), default=list, blank=True)
    refund_method = models.CharField(
        _("refund method"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    replacement_unit = models.OneToOneField(
        "assets.Unit",
        verbose_name=_("replacement unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by_rma",
    )
    repair_note = models.TextField(_("repair note"), blank=True)
    tracking_number = models.CharField(_("shipment tracking"), max_length=64, blank=True)
    rejection_reason = models.TextField(_("rejection reason (the customer sees it)"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return authorisation")
        verbose_name_plural = _("return authorisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0),
                name="returns_refund_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="returns_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def allowed_remedy_labels(self) -> list[str]:
        return [str(Remedy(r).label) for r in self.allowed_remedies if r in Remedy.values]


ACTION_LABELS = {
    "authorised": _("Authorised"),
    "received": _("Item received"),
    "inspected": _("Inspected"),
    "refunded": _("Refunded"),
    "exchanged": _("Exchanged"),
    "repaired_shipped": _("Repaired and shipped back"),
    "rejected": _("Rejected"),
    "closed": _("Closed"),
}


class ReturnEvent(AppendOnlyModel):
    """One step of a return, as it happened. Written once, never changed."""

    rma = models.ForeignKey(ReturnAuthorisation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self) -> str:
        return f"{self.rma_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


# --- Trade-in (折价回收) -------------------------------------------------------------------


class TradeInRate(models.Model):
    """What an old unit is worth: per product (or category, or any), age band and condition."""

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the category's rate."),
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any product category."),
    )
    min_age_months = models.PositiveSmallIntegerField(_("from age (months)"), default=0)
    max_age_months = models.PositiveSmallIntegerField(
        _("below age (months)"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    value = models.DecimalField(_("value (CNY)"), max_digits=10, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["product__name", "category__code", "condition", "min_age_months", "id"]
        verbose_name = _("trade-in rate")
        verbose_name_plural = _("trade-in rates")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="returns_tradein_value_ok"),
            models.CheckConstraint(
                condition=Q(max_age_months__isnull=True)
                | Q(max_age_months__gt=models.F("min_age_months")),
                name="returns_tradein_age_band",
            ),
        ]

    def __str__(self) -> str:
        scope = self.product or self.category or _("any product")
        upper = self.max_age_months if self.max_age_months is not None else "∞"
        return f"{scope} {self.min_age_months}–{upper} {self.get_condition_display()}"


class CreditStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    USED = "used", _("Used")


class TradeInCredit(models.Model):
    """The value of a traded-in unit, owed to the customer as a credit on a new purchase."""

    number = models.CharField(_("credit number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="trade_in_credits",
    )
    old_unit = models.OneToOneField(
        "assets.Unit",
        verbose_name=_("traded-in unit"),
        on_delete=models.PROTECT,
        related_name="trade_in_credit",
    )
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    age_months = models.PositiveSmallIntegerField(_("age (months)"))
    rate = models.ForeignKey(
        TradeInRate, verbose_name=_("rate"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.DecimalField(_("credit (CNY)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=CreditStatus.choices, default=CreditStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    used_on_unit = models.ForeignKey(
        "assets.Unit",
        verbose_name=_("used on (new unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_reference = models.CharField(_("purchase reference"), max_length=64, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("used by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("trade-in credit")
        verbose_name_plural = _("trade-in credits")

    def __str__(self) -> str:
        return f"{self.number} {self.value}"
