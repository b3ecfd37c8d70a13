"""Message templates, the outbox of messages to send, and what happened to each delivery.

Every message to a customer or to staff is written to the outbox (`OutboundMessage`) in
the same transaction as the change that caused it, already rendered, and delivered
afterwards by the workers (`services.deliver`). `DeliveryEvent` is the append-only log of
attempts, retries and cancellations shown on the request page.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class Event(models.TextChoices):
    """What a message is about. Add an event here, seed its templates, say who receives it
    in `CUSTOMER_EVENTS` or `STAFF_EVENTS`, and describe its variables in `services`."""

    REQUEST_RECEIVED = "request_received", _("Request received")
    VISIT_BOOKED = "visit_booked", _("Visit booked")
    REQUEST_RESOLVED = "request_resolved", _("Request resolved")
    FOLLOW_UP = "follow_up", _("Follow-up")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    SLA_WARNING = "sla_warning", _("Deadline near")
    SLA_BREACHED = "sla_breached", _("Deadline missed")
    ASSIGNED = "assigned", _("Request assigned")
    VISIT_ASSIGNED = "visit_assigned", _("Visit assigned")
    REQUEST_REOPENED = "request_reopened", _("Request reopened")
    LOW_SCORE = "low_score", _("Low survey score")
    CAMPAIGN = "campaign", _("Campaign message")
    VISIT_REPORT = "visit_report", _("Visit report (not fixed yet)")
    COMPLAINT_ALERT = "complaint_alert", _("Critical or repeated complaint")
    AGENT_REPLY = "agent_reply", _("Reply to the customer")
    CUSTOMER_REPLIED = "customer_replied", _("The customer replied")
    PORTAL_INVITE = "portal_invite", _("Invitation to the customer portal")
    PORTAL_CODE = "portal_code", _("Verification code for the customer portal")
    MAINTENANCE_REPORT = "maintenance_report", _("Maintenance report")
    DEVICE_ALARM = "device_alarm", _("Problem noticed by remote monitoring")
    COURSE_SUGGESTED = "course_suggested", _("Training course suggested")


# Who a message of each event goes to when the caller names no recipient: the request's
# customer, or the person the request is assigned to.
CUSTOMER_EVENTS = frozenset(
    {
        Event.REQUEST_RECEIVED,
        Event.VISIT_BOOKED,
        Event.REQUEST_RESOLVED,
        Event.FOLLOW_UP,
        Event.QUOTE_SENT,
        Event.CAMPAIGN,
        Event.VISIT_REPORT,
        Event.AGENT_REPLY,
        Event.MAINTENANCE_REPORT,
        Event.DEVICE_ALARM,
        Event.COURSE_SUGGESTED,
    }
)
# Messages about a person's login rather than a request (email and SMS; the caller always
# names the recipient).
ACCOUNT_EVENTS = frozenset({Event.PORTAL_INVITE, Event.PORTAL_CODE})
STAFF_EVENTS = frozenset(
    {
        Event.SLA_WARNING,
        Event.SLA_BREACHED,
        Event.ASSIGNED,
        Event.VISIT_ASSIGNED,
        Event.REQUEST_REOPENED,
        Event.LOW_SCORE,
        Event.COMPLAINT_ALERT,
        Event.CUSTOMER_REPLIED,
    }
)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("简体中文")
    EN = "en", _("English")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class MessageTemplate(models.Model):
    """The text of one event's message on one channel in one language (Django template
    syntax, rendered with only the variables of the message, without HTML escaping)."""

    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("Email only."))
    body = models.TextField(_("text"))
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive template is not used; the other language's is, if active."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="message_template_unique"
            )
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return (
            f"{self.get_event_display()} · {self.get_channel_display()} · "
            f"{self.get_language_display()}"
        )


class OutboundMessage(models.Model):
    """One message to one recipient, rendered when it was queued, and its delivery state."""

    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to_address = models.CharField(
        _("to"), max_length=254, help_text=_("Email address, phone number or WeChat OpenID.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Queued: when to try next. Sending: until when the worker that claimed it holds it;
    # past that the claim is stale (the worker died) and the message is due again.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(
        _("provider id"), max_length=255, blank=True, help_text=_("E.g. the email Message-ID.")
    )
    dedupe_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Files of the request that go with an email (e.g. the signed service form); the
    # files stay where they are, so a retry sends the same ones.
    attachments = models.ManyToManyField(
        "service.Attachment", verbose_name=_("attachments"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["-created_at", "-id"], name="outbox_newest_idx"),
        ]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} → {self.to_address} ({self.status})"

    @property
    def recipient(self):
        return self.user or self.customer

    @property
    def retrying(self) -> bool:
        return self.status == Status.QUEUED and self.attempts > 0


class DeliveryEvent(AppendOnlyModel):
    """What happened to a message: each attempt's outcome, and people's retries and
    cancellations. Written once, never changed."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Failed, will retry")
        FAILED = "failed", _("Failed, gave up")
        INTERRUPTED = "interrupted", _("Interrupted, sending again")
        RETRY_REQUESTED = "retry_requested", _("Retry requested")
        CANCELLED = "cancelled", _("Cancelled")

    message = models.ForeignKey(
        OutboundMessage, on_delete=models.CASCADE, related_name="delivery_events"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} #{self.attempt}"
