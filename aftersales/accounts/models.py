"""Users, their roles, teams, API tokens and the codes that prove an address is someone's."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import BACK_OFFICE, FIELD, MANAGERS, STAFF_UI, Role
from aftersales.customers.phones import normalize_phone


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Team(models.Model):
    """A group of agents or technicians that requests can be routed to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), blank=True, related_name="members"
    )
    service_center = models.ForeignKey(
        "field.ServiceCenter",
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Partner staff and technicians see the work of this service center."),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("For customer logins: the customer whose units and requests they see."),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logins",
        help_text=_("For a company's contacts: which of the customer's contacts this login is."),
    )
    # The phone number in one spelling (E.164), so a login by phone finds the user however
    # either was typed.
    phone_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    preferences = models.JSONField(_("preferences"), default=dict, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"  # Chinese names: family name first, no space (张丽)
        return f"{first} {last}".strip()

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_normalized"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER and not self.service_center_id:
            raise ValidationError(
                {"service_center": _("Partner staff must belong to a service center.")}
            )
        if self.role == Role.CUSTOMER and not self.customer_id:
            raise ValidationError({"customer": _("A customer login must be linked to a customer.")})

    @property
    def is_back_office(self) -> bool:
        return self.role in BACK_OFFICE or self.is_superuser

    @property
    def is_field(self) -> bool:
        return self.role in FIELD and not self.is_superuser

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS or self.is_superuser

    @property
    def may_use_staff_ui(self) -> bool:
        return self.role in STAFF_UI or self.is_superuser

    @property
    def display_name(self) -> str:
        return str(self)


class ApiToken(models.Model):
    """An API token. Only a SHA-256 digest is stored; the token is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class CodePurpose(models.TextChoices):
    SIGNUP = "signup", _("Sign-up")
    RESET = "reset", _("Password reset")


class VerificationCode(models.Model):
    """The one live code sent to an address for a purpose: a new code replaces the last.

    Only a keyed digest of the code is stored (six digits are too few for a plain hash);
    `tries` counts every guess, the right one included.
    """

    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose.choices)
    # The address in its canonical spelling: email in lower case, phone in E.164.
    address = models.CharField(_("address"), max_length=254)
    channel = models.CharField(_("channel"), max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_codes"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "address"], name="one_code_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.address}"
