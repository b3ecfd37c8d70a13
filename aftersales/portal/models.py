"""What the portal keeps of its own: a customer's registration of a unit they bought."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit
from aftersales.customers.models import Customer


def invoice_path(registration, filename: str) -> str:
    # A random token, not the customer's file name: names can say more than they should.
    return f"invoices/{registration.created_at:%Y/%m}/{registration.token}"


class UnitRegistration(models.Model):
    """A customer registered a unit they bought in the portal: the purchase date they
    claimed and the invoice they showed, kept for staff to check. Never changed."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="registrations"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    purchased_on = models.DateField(_("purchase date claimed"))
    token = models.CharField(max_length=64, unique=True)
    invoice = models.FileField(_("invoice"), upload_to=invoice_path, max_length=255)
    invoice_name = models.CharField(_("file name"), max_length=255)
    invoice_type = models.CharField(max_length=100)
    invoice_size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unit registration")
        verbose_name_plural = _("unit registrations")

    def __str__(self) -> str:
        return f"{self.unit} {self.purchased_on}"

    @property
    def is_image(self) -> bool:
        return self.invoice_type.startswith("image/")
