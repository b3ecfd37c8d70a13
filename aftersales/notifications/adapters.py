"""Channel adapters: how a rendered outbox message leaves the building.

An adapter has one method, `send(message) -> provider_id`. It raises `TemporaryFailure`
when trying again later may work (server down, timeout, 4xx) and `PermanentFailure` when
it never will (address refused). Email goes through Django's mail API and whatever
backend `EMAIL_URL` configured; SMS and WeChat through the class named by the settings
`SMS_BACKEND` and `WECHAT_BACKEND` (dotted paths), `LoggingAdapter` by default. Tests use
`MemoryAdapter`.
"""

import logging
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from aftersales.notifications.models import Channel

log = logging.getLogger(__name__)


class DeliveryFailure(Exception):
    """Sending failed. `str(error)` is stored on the message as its last error."""


class TemporaryFailure(DeliveryFailure):
    """Sending failed, and may work later: the message is retried with backoff."""


class PermanentFailure(DeliveryFailure):
    """Sending failed and never will work (bad address): the message is given up."""


class Adapter:
    channel: str = ""

    def send(self, message) -> str:
        """Send `message` (an `OutboundMessage`); return the provider's id for it."""
        raise NotImplementedError


def message_id_for(message) -> str:
    """A stable RFC 5322 Message-ID for an outbox message: a resend after a crash carries
    the same one, so mail clients and servers recognise the duplicate."""
    domain = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "") or (
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    )
    stamp = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<outbox.{message.pk}.{stamp}@{domain}>"


def _smtp_code(error: smtplib.SMTPRecipientsRefused) -> int | None:
    codes = [value[0] for value in error.recipients.values()]
    return min(codes) if codes else None


def extra_headers(message) -> dict[str, str]:
    """Headers the function named by `OUTBOX_EMAIL_HEADERS` adds (the inbox's threading:
    In-Reply-To, References, Reply-To), so this app need not know the inbox. Without the
    hook, or if it fails, the email goes out without them."""
    hook = getattr(settings, "OUTBOX_EMAIL_HEADERS", "")
    if not hook:
        return {}
    try:
        return dict(import_string(hook)(message) or {})
    except Exception:  # noqa: BLE001 - threading is a nicety; the message still goes out
        log.exception("OUTBOX_EMAIL_HEADERS hook failed for message %s", message.pk)
        return {}


class EmailAdapter(Adapter):
    channel = Channel.EMAIL

    def send(self, message) -> str:
        message_id = message_id_for(message)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_address],
            headers={**extra_headers(message), "Message-ID": message_id},
        )
        for attachment in message.attachments.all():
            with attachment.file.open("rb") as handle:
                email.attach(attachment.original_name, handle.read(), attachment.content_type)
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPDataError as error:
            # The server refused this message's content: 5xx for good, 4xx for now.
            text = f"SMTP {error.smtp_code}: {_text(error.smtp_error)}"
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except smtplib.SMTPRecipientsRefused as error:
            code = _smtp_code(error)
            detail = "; ".join(
                f"{address}: {value[0]} {_text(value[1])}"
                for address, value in error.recipients.items()
            )
            failure = PermanentFailure if code and 500 <= code < 600 else TemporaryFailure
            raise failure(f"SMTP refused recipient {detail}") from error
        except (smtplib.SMTPException, OSError) as error:
            # Connection refused, disconnected, timed out, TLS or login trouble: our side
            # or the server's, not this message's; try again later.
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        return message_id


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class LoggingAdapter(Adapter):
    """Writes the message to the log and reports success: the default for SMS and WeChat
    until a provider is configured."""

    def send(self, message) -> str:
        log.info(
            "%s message %s to %s: %s", message.channel, message.pk, message.to_address, message.body
        )
        return f"log-{message.pk}"


class MemoryAdapter(Adapter):
    """Test double: keeps what it sent in `MemoryAdapter.outbox` (shared by all instances).

    Set `MemoryAdapter.fail` to "temporary" or "permanent" to make sends fail; call
    `MemoryAdapter.reset()` between tests.
    """

    outbox: list = []
    fail: str | None = None

    @classmethod
    def reset(cls) -> None:
        cls.outbox = []
        cls.fail = None

    def send(self, message) -> str:
        if self.fail == "permanent":
            raise PermanentFailure("rejected by the test double")
        if self.fail:
            raise TemporaryFailure("the test double is down")
        type(self).outbox.append(
            {
                "id": message.pk,
                "channel": message.channel,
                "to": message.to_address,
                "subject": message.subject,
                "body": message.body,
            }
        )
        return f"memory-{message.pk}"


_SETTINGS = {Channel.SMS: "SMS_BACKEND", Channel.WECHAT: "WECHAT_BACKEND"}
DEFAULT_BACKEND = "aftersales.notifications.adapters.LoggingAdapter"


def adapter_for(channel: str) -> Adapter:
    """The adapter that sends messages of `channel`."""
    if channel == Channel.EMAIL:
        return EmailAdapter()
    setting = _SETTINGS.get(channel)
    if setting is None:
        raise PermanentFailure(f"no adapter for channel {channel!r}")
    adapter = import_string(getattr(settings, setting, "") or DEFAULT_BACKEND)()
    adapter.channel = channel
    return adapter
