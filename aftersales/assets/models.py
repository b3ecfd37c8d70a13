"""The installed base: every sold unit by serial number, and its history."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Product
from aftersales.core.models import AppendOnlyModel
from aftersales.customers.models import Customer

_SPACES = re.compile(r"\s+")


def normalize_serial(raw: str) -> str:
    """Serial numbers are compared without spaces and case: ' ab 12 ' is 'AB12'."""
    return _SPACES.sub("", raw or "").upper()


class UnitStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    RETURNED = "returned", _("Returned")
    REPLACED = "replaced", _("Replaced")
    SCRAPPED = "scrapped", _("Scrapped")


class Unit(models.Model):
    serial_number = models.CharField(_("serial number"), max_length=64, unique=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="units"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="units"
    )
    purchased_on = models.DateField(_("purchase date"), null=True, blank=True)
    sales_channel = models.CharField(
        _("sales channel or dealer"),
        max_length=100,
        blank=True,
        help_text=_("Where it was bought: a dealer, a shop, an online store."),
    )
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    installed_on = models.DateField(_("installation date"), null=True, blank=True)
    warranty_starts_on = models.DateField(
        _("warranty starts on"),
        null=True,
        blank=True,
        help_text=_("Only when not the purchase date: a unit given in exchange starts anew."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.IN_USE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["serial_number"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.serial_number

    def save(self, *args, **kwargs):
        self.serial_number = normalize_serial(self.serial_number)
        super().save(*args, **kwargs)


class UnitEvent(AppendOnlyModel):
    """A unit's own history; ownership changes name the previous and the new owner."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Details changed")
        STATUS = "status", _("Status changed")
        OWNERSHIP = "ownership", _("Owner changed")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind}"
