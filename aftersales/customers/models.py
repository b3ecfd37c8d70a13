"""Customers (people and companies), their contacts, and their own history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel
from aftersales.customers.phones import normalize_phone


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")
    PURCHASER = "purchaser", _("Purchaser")


class Source(models.TextChoices):
    """The channel through which a customer we did not know first reached us."""

    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Customer portal")
    CHAT = "chat", _("Chat")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")


class Customer(models.Model):
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    notes = models.TextField(_("notes"), blank=True)
    # Created by a channel from a sender we did not know (an email, a message, the web
    # form): someone should check it is not a duplicate of an existing customer.
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Created from a message by an unknown sender; check it and clear this."),
    )
    source = models.CharField(_("first came by"), max_length=20, choices=Source.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        super().save(*args, **kwargs)

    @property
    def wechat_openid(self) -> str:
        """The WeChat account they last wrote to us from (kept by the channels as a
        `channel_identities` row), so that replies can go back there; "" if none."""
        identities = getattr(self, "channel_identities", None)
        if identities is None or self.pk is None:
            return ""
        found = (
            identities.filter(channel="wechat")
            .order_by("-pk")
            .values_list("external_id", flat=True)
            .first()
        )
        return found or ""

    @property
    def location(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.district) if part)


class Contact(models.Model):
    """A person at a company customer, with the part they play in buying."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(
        _("buying role"), max_length=20, choices=BuyingRole.choices, default=BuyingRole.USER
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        super().save(*args, **kwargs)


class CustomerEvent(AppendOnlyModel):
    """The customer's own history: created, details changed, contacts added, notes."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Details changed")
        CONTACT_ADDED = "contact_added", _("Contact added")
        NOTE = "note", _("Note")
        CAMPAIGN = "campaign", _("Care campaign contact")
        REVIEWED = "reviewed", _("Checked after arriving by a channel")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind}"
