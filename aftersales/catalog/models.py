"""What the company sells and what can go wrong with it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FaultKind(models.TextChoices):
    """The broad cause of a fault; also the diagnosis categories of a service request."""

    HARDWARE = "hardware", _("Hardware fault")
    SOFTWARE = "software", _("Software fault")
    OPERATION = "operation", _("Operation error")


class Category(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product model (型号) identified by its SKU."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    requires_installation = models.BooleanField(_("requires installation"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class SparePart(models.Model):
    part_number = models.CharField(_("part number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spare_parts",
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("fits products"), blank=True, related_name="spare_parts"
    )
    is_consumable = models.BooleanField(
        _("consumable"),
        default=False,
        help_text=_("Consumables (filters, belts…) are charged even under warranty."),
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)

    class Meta:
        ordering = ["part_number"]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")

    def __str__(self) -> str:
        return f"{self.name} ({self.part_number})"


class FaultCode(models.Model):
    """One entry of a category's fault taxonomy: kind, component and symptom."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="fault_codes"
    )
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=20, choices=FaultKind.choices)
    component = models.CharField(_("component"), max_length=100, blank=True)
    symptom = models.CharField(_("symptom"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="faultcode_unique_per_category"
            )
        ]
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")

    def __str__(self) -> str:
        return f"{self.code} {self.symptom}"
