"""The email channel: the team mailboxes we receive mail in, and every mail received.

A `Mailbox` is an address customers write to (e.g. service@…), owned by a team; mail
reaches it by our SMTP receiver (`manage.py receive_mail`) or by IMAP polling of a
mailbox on another server. An `InboundMail` row records each message once (its
Message-ID is unique), what became of it and the raw message as a file, so nothing a
customer sent is lost whatever the outcome.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel
from aftersales.notifications.models import Language
from aftersales.service.choices import Kind

env_name = RegexValidator(
    r"^[A-Z_][A-Z0-9_]*$",
    _("Give the name of an environment variable, e.g. INBOX_SERVICE_PASSWORD."),
)


class Mailbox(models.Model):
    address = models.EmailField(
        _("address"), unique=True, help_text=_("The address customers write to.")
    )
    name = models.CharField(
        _("display name"), max_length=100, blank=True,
        help_text=_("Shown with the address in the customer's mail client."),
    )  # fmt: skip
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="mailboxes",
        help_text=_("New requests from this mailbox go to this team."),
    )  # fmt: skip
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS,
        help_text=_("The language of customers we do not know yet who write here."),
    )  # fmt: skip
    default_kind = models.CharField(
        _("kind of new requests"), max_length=20, choices=Kind.choices, default=Kind.REPAIR
    )
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default for replies"), default=False,
        help_text=_(
            "Replies on requests that did not come by email ask the customer to answer here."
        ),
    )  # fmt: skip
    # IMAP polling (optional): the workers fetch new mail every minute.
    imap_host = models.CharField(_("IMAP server"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over SSL"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    imap_password_env = models.CharField(
        _("password variable"), max_length=100, blank=True, validators=[env_name],
        help_text=_(
            "The name of the environment variable of the workers that holds the IMAP "
            "password; the password itself is never stored here."
        ),
    )  # fmt: skip
    # Where polling got to: the folder's UIDVALIDITY and the last UID read in it.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="inbox_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address

    @property
    def polls_imap(self) -> bool:
        return bool(self.imap_host)


class Outcome(models.TextChoices):
    CREATED = "created", _("Request created")
    ADDED = "added", _("Added to request")
    REOPENED = "new_after_closed", _("New request (reply to a closed one)")
    AUTO_REPLY = "auto_reply", _("Auto-reply ignored")
    BOUNCE = "bounce", _("Bounce")
    DUPLICATE = "duplicate", _("Duplicate")
    REFUSED = "refused", _("Refused")


# Outcomes that put the customer's words on a request.
ON_REQUEST = (Outcome.CREATED, Outcome.ADDED, Outcome.REOPENED)


def raw_path(mail, filename: str) -> str:
    return f"inbox/{timezone.localtime(mail.received_at):%Y/%m}/{filename}"


class InboundMail(AppendOnlyModel):
    """One received message and what became of it. Written once, never changed."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="mails"
    )
    # The same message delivered twice (SMTP retry, IMAP and SMTP both) is one row.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="inbound_mails",
    )  # fmt: skip
    # Our outbound email this one answers or bounced (notifications.OutboundMessage).
    outbound = models.ForeignKey(
        "notifications.OutboundMessage", verbose_name=_("in reply to our message"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    flagged = models.BooleanField(
        _("needs a look"), default=False,
        help_text=_("Something about this mail was suspicious, e.g. another customer's number."),
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    # Sender, subject and text: the same words sent again under a new Message-ID.
    digest = models.CharField(max_length=64, db_index=True, editable=False)
    raw = models.FileField(_("raw message"), upload_to=raw_path, max_length=255)
    raw_size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received mail")
        verbose_name_plural = _("received mails")
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="inbox_mail_newest_idx"),
            models.Index(fields=["mailbox", "-received_at"], name="inbox_mail_box_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.outcome})"

    @property
    def on_request(self) -> bool:
        return self.outcome in ON_REQUEST
