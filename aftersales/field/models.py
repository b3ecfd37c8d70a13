"""The service network. Coverage, technicians, visits and dispatch come with the field issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCenter(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Own service center")
        PARTNER = "partner", _("Authorised partner")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OWN)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")

    def __str__(self) -> str:
        return self.name
