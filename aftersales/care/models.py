"""Proactive care (增加接触客户的机会): campaigns generated from data, and whom they reach.

A `Campaign` is a list of customers to contact, drawn on a given day by one of the
generators in `generators.py` (check-in after delivery or installation, warranty about to
end, contract about to end, key accounts due a check-in, thank-you to new customers).
Each `CampaignTarget` says why the customer is on the list and what came of the contact.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    DELIVERY_CHECK_IN = "delivery_check_in", _("Check-in after delivery or installation")
    WARRANTY_EXPIRY = "warranty_expiry", _("Warranty ending: offer an extension")
    CONTRACT_RENEWAL = "contract_renewal", _("Contract ending: offer renewal")
    KEY_ACCOUNT = "key_account", _("Key account check-in")
    THANK_YOU = "thank_you", _("Thank-you to new customers")


class Method(models.TextChoices):
    CALL = "call", _("Phone calls")
    MESSAGE = "message", _("Message (email or SMS)")


class Campaign(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    name = models.CharField(_("name"), max_length=200)
    drawn_on = models.DateField(_("drawn on"), help_text=_("The day the list is drawn for."))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices,
                              default=Method.CALL)  # fmt: skip
    subject = models.CharField(_("message subject"), max_length=200, blank=True)
    message = models.TextField(
        _("message"), blank=True,
        help_text=_("For message campaigns: the text each customer receives, after a greeting."),
    )  # fmt: skip
    target_count = models.PositiveIntegerField(_("customers"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("To contact")
    MESSAGED = "messaged", _("Message sent")
    CONTACTED = "contacted", _("Talked to")
    NOT_REACHED = "not_reached", _("Could not reach")
    DECLINED = "declined", _("Not interested")
    CONVERTED = "converted", _("Bought / renewed")


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="campaign_targets",
    )  # fmt: skip
    unit = models.ForeignKey(
        "assets.Unit", verbose_name=_("unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    contract = models.ForeignKey(
        "warranty.ServiceContract", verbose_name=_("contract"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("why"), max_length=300)
    due_on = models.DateField(_("date it is about"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TargetStatus.choices,
                              default=TargetStatus.PENDING)  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("contacted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer", "unit"], name="care_target_unit_once",
                condition=models.Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["campaign", "customer"], name="care_target_customer_once",
                condition=models.Q(unit__isnull=True),
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["customer", "contacted_at"], name="care_target_contact")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.customer_id}"
