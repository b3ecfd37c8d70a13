"""What customers are owed: 三包 policies, extended warranties, service plans and contracts,
back-to-back supplier cover and the recovery claims made under it, quotes and charges."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, Product, SparePart
from aftersales.core.models import AppendOnlyModel
from aftersales.customers.models import Customer


class FaultCause(models.TextChoices):
    """Why the unit failed, as far as warranty is concerned."""

    QUALITY = "quality", _("Product defect")
    CUSTOMER_DAMAGE = "customer_damage", _("Customer-caused damage")
    WEAR = "wear", _("Wear and tear")
    CONSUMABLE = "consumable", _("Consumable part")
    UNKNOWN = "unknown", _("Not yet known")


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund (return)")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")


class AfterFailedRepairs(models.TextChoices):
    """What the customer may ask for once repairs of the same fault keep failing."""

    EXCHANGE = "exchange", _("Exchange")
    EXCHANGE_OR_REFUND = "exchange_or_refund", _("Exchange or refund")


class WarrantyPolicy(models.Model):
    """三包 terms for a product category, or for one product model overriding its category.

    A policy with neither category nor product is the company-wide default.
    """

    name = models.CharField(_("name"), max_length=100)
    category = models.OneToOneField(
        Category,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warranty_policy",
    )
    product = models.OneToOneField(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warranty_policy",
    )
    return_days = models.PositiveSmallIntegerField(_("return window (days)"), default=7)
    exchange_days = models.PositiveSmallIntegerField(_("exchange window (days)"), default=15)
    repair_months = models.PositiveSmallIntegerField(_("repair warranty (months)"), default=12)
    failed_repairs_for_exchange = models.PositiveSmallIntegerField(
        _("failed repairs before exchange"),
        default=2,
        help_text=_("After this many repairs of the same fault, the customer may ask for more."),
    )
    after_failed_repairs = models.CharField(
        _("then the customer may ask for"),
        max_length=20,
        choices=AfterFailedRepairs.choices,
        default=AfterFailedRepairs.EXCHANGE_OR_REFUND,
    )
    excludes_consumables = models.BooleanField(_("consumables are charged"), default=True)
    excludes_customer_damage = models.BooleanField(
        _("customer-caused damage is charged"), default=True
    )
    excludes_wear = models.BooleanField(_("wear and tear is charged"), default=True)
    out_of_warranty_repair = models.BooleanField(
        _("repair offered after the warranty, at a charge"), default=True
    )
    lifetime_repair = models.BooleanField(
        _("lifetime repair"),
        default=False,
        help_text=_("Product defects are repaired free for the unit's whole life (终身保修)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(product__isnull=True),
                name="policy_for_category_or_product",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.category_id and self.product_id:
            raise ValidationError(_("A policy is for a category or for a product, not both."))
        if not self.category_id and not self.product_id:
            others = WarrantyPolicy.objects.filter(category=None, product=None).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    _("There is already a default policy; give this one a category or product.")
                )

    @property
    def scope(self) -> str:
        if self.product_id:
            return str(self.product)
        if self.category_id:
            return str(self.category)
        return str(_("Default for all products"))


class ComponentWarranty(models.Model):
    """A longer repair warranty for a named main component (e.g. compressor: 36 months)."""

    policy = models.ForeignKey(
        WarrantyPolicy, on_delete=models.CASCADE, related_name="component_terms"
    )
    component = models.CharField(
        _("component"),
        max_length=100,
        help_text=_("As named in the fault codes, e.g. 压缩机."),
    )
    months = models.PositiveSmallIntegerField(_("repair warranty (months)"))

    class Meta:
        ordering = ["component"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "component"], name="one_term_per_component")
        ]
        verbose_name = _("component warranty")
        verbose_name_plural = _("component warranties")

    def __str__(self) -> str:
        return f"{self.component}: {self.months}"


class ExtendedWarranty(models.Model):
    """Cover bought for one unit beyond the standard warranty (like AppleCare)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="extended_warranties"
    )
    name = models.CharField(_("name"), max_length=100)
    reference = models.CharField(_("certificate number"), max_length=64, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    covers_accidental_damage = models.BooleanField(
        _("covers accidental damage"),
        default=False,
        help_text=_("Customer-caused damage is repaired free too."),
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("extended warranty")
        verbose_name_plural = _("extended warranties")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="extended_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ServicePlan(models.Model):
    """A level of service sold under contract: gold, silver, bronze…"""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher means better service.")
    )
    response_hours = models.PositiveIntegerField(_("first response within (hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution within (hours)"))
    onsite_hours = models.PositiveIntegerField(_("on-site arrival within (hours)"))
    pm_visits_per_year = models.PositiveSmallIntegerField(
        _("preventive maintenance visits per year"), default=0
    )
    parts_promise = models.CharField(
        _("spare-part availability promise"), max_length=200, blank=True
    )
    covers_repairs = models.BooleanField(
        _("repairs of product defects are free"),
        default=True,
        help_text=_("Parts and labour for product defects after the warranty."),
    )
    covers_wear = models.BooleanField(_("wear and tear is covered"), default=False)
    price = models.DecimalField(_("price per year"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-rank", "code"]
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    QUOTE = "quote", _("Quoted")
    ACCEPTED = "accepted", _("Accepted")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceContract(models.Model):
    """A customer's contract for a service plan, over some or all of its units."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContractStatus.choices,
        default=ContractStatus.QUOTE,
        editable=False,
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The first day without cover: days before it were covered and stay so.
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True, editable=False)
    all_units = models.BooleanField(
        _("all of the customer's units"),
        default=True,
        help_text=_("Also units registered to the customer later."),
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units"), blank=True, related_name="contracts"
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="contract_status_end")]

    def __str__(self) -> str:
        return f"{self.number} {self.plan}"


class ContractEvent(AppendOnlyModel):
    """A contract's history: quoted, accepted, activated, renewed, expired, units changed."""

    contract = models.ForeignKey(ServiceContract, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind}"


class CountsFrom(models.TextChoices):
    PURCHASE = "purchase", _("The customer's purchase")
    INSTALLATION = "installation", _("Installation")


class SupplierWarranty(models.Model):
    """Back-to-back cover: a supplier or installer answers for a product or a part."""

    supplier = models.CharField(_("supplier or installer"), max_length=200)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplier_warranties",
    )
    spare_part = models.ForeignKey(
        SparePart,
        verbose_name=_("spare part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplier_warranties",
    )
    component = models.CharField(
        _("component"),
        max_length=100,
        blank=True,
        help_text=_("Only faults of this component (as named in the fault codes)."),
    )
    months = models.PositiveSmallIntegerField(_("months"))
    counts_from = models.CharField(
        _("counts from"), max_length=20, choices=CountsFrom.choices, default=CountsFrom.PURCHASE
    )
    labour_rate = models.DecimalField(
        _("labour refunded per repair"), max_digits=12, decimal_places=2, default=0
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["supplier"]
        verbose_name = _("supplier warranty")
        verbose_name_plural = _("supplier warranties")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(spare_part__isnull=False),
                name="supplier_warranty_covers_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.product or self.spare_part}"


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("To be submitted")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class VendorClaim(models.Model):
    """A claim on a supplier or installer to recover what a repair under their cover cost."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="vendor_claims",
    )
    supplier_warranty = models.ForeignKey(
        SupplierWarranty,
        verbose_name=_("supplier warranty"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    reference = models.CharField(_("supplier's reference"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vendor recovery claim")
        verbose_name_plural = _("vendor recovery claims")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier_warranty"], name="one_claim_per_request_and_cover"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_warranty.supplier} {self.amount} {self.currency}"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Quote(models.Model):
    """The price of chargeable work on a request, for the customer to accept or decline."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("note to the customer"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return f"{self.total} {self.currency}"


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    spare_part = models.ForeignKey(
        SparePart, verbose_name=_("spare part"), null=True, blank=True, on_delete=models.PROTECT
    )
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self):
        return (self.quantity * self.unit_price).quantize(self.unit_price)


class ChargeStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("charge status", "Due")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    TRANSFER = "transfer", _("Bank transfer")


class Charge(models.Model):
    """What the customer owes for chargeable work once it is done."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    quote = models.OneToOneField(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    status = models.CharField(
        _("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.DUE
    )
    method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
