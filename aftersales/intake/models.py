"""What the public channels leave behind: the web form's submissions (so a form sent twice
makes one request), who a chat or WeChat sender is, and the log of inbound messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class Provider(models.TextChoices):
    """The webhook senders we take messages from (one adapter each)."""

    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS gateway")
    CHAT = "chat", _("Chat widget")


class Submission(AppendOnlyModel):
    """A help form or API post that made a request. `key` is a digest of the form's signed
    token (or the API client's Idempotency-Key): the same key again returns this request."""

    key = models.CharField(max_length=64, unique=True)
    request = models.ForeignKey(
        "service.ServiceRequest", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class ChannelIdentity(models.Model):
    """A customer as a chat or WeChat account knows them (openid, visitor id)."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
        related_name="channel_identities",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=10, choices=Provider.choices)
    external_id = models.CharField(_("external id"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("channel identity")
        verbose_name_plural = _("channel identities")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="intake_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class Outcome(models.TextChoices):
    CREATED = "created", _("New request")
    ADDED = "added", _("Added to an open request")
    IGNORED = "ignored", _("Ignored")


class InboundMessage(AppendOnlyModel):
    """One message a webhook delivered, and what became of it. A delivery repeated by the
    provider finds the first row through (provider, message id) and writes nothing."""

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    message_id = models.CharField(_("message id"), max_length=128)
    sender = models.CharField(_("sender"), max_length=128)
    kind = models.CharField(_("kind"), max_length=20, default="text")
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(fields=["provider", "message_id"], name="intake_inbound_once")
        ]
        indexes = [models.Index(fields=["-received_at"], name="intake_inbound_recent")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.message_id}"
