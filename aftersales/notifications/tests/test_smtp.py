"""Email through a real SMTP server (aiosmtpd on a local port): what arrives, and that a
server that is down delays mail but loses none and sends none twice."""

import datetime
import email
from email import policy

from aftersales.notifications import services
from aftersales.notifications.models import DeliveryEvent, Event, Status


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_a_chinese_email_arrives_with_its_headers_encoded(smtp, sr, settings):
    settings.SERVICE_NAME = "海尔售后"
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    delivered = services.deliver(message.pk)

    assert delivered.status == Status.SENT
    [(sender, recipients, raw)] = smtp.received
    assert sender == "service@example.com"
    assert recipients == ["wang@example.com"]
    # Headers travel as RFC 2047 encoded words, never raw UTF-8.
    header_block = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    assert header_block.isascii()
    mail = parse(raw)
    # (Django folds a long encoded subject onto the next line; the fold is whitespace.)
    assert mail["Subject"].strip() == "【海尔售后】我们已收到您的服务请求 SR-2026-000123"
    assert mail["To"] == "wang@example.com"
    assert mail["From"] == "海尔售后 <service@example.com>"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert "王小明，您好" in body
    assert "SR-2026-000123（空调不制冷）" in body
    # The Message-ID is stable, derived from the outbox row, and stored as the provider id.
    stamp = int(message.created_at.timestamp())
    assert mail["Message-ID"] == f"<outbox.{message.pk}.{stamp}@example.com>"
    assert delivered.provider_id == mail["Message-ID"]


def test_a_stopped_mail_server_delays_mail_and_loses_none(smtp, sr, clock):
    # Given the mail server is down
    smtp.stop()
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    # When delivery is tried
    assert services.deliver_due() == {"queued": 1}

    # Then the message waits with the error and a time for the next attempt
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == clock.now + datetime.timedelta(minutes=1)

    # And a second failure waits longer
    clock.advance(minutes=1, seconds=1)
    assert services.deliver_due() == {"queued": 1}
    message.refresh_from_db()
    assert message.next_attempt_at == clock.now + datetime.timedelta(minutes=5)

    # When the server is back and the time has come, it is sent exactly once
    smtp.start()
    clock.advance(minutes=5, seconds=1)
    assert services.deliver_due() == {"sent": 1}
    assert services.deliver_due() == {}
    assert services.deliver(message.pk).status == Status.SENT
    assert len(smtp.received) == 1
    assert parse(smtp.received[0][2])["Message-ID"].startswith(f"<outbox.{message.pk}.")
    assert list(message.delivery_events.values_list("kind", flat=True)) == [
        DeliveryEvent.Kind.RETRY,
        DeliveryEvent.Kind.RETRY,
        DeliveryEvent.Kind.SENT,
    ]


def test_a_refused_recipient_is_given_up_at_once(smtp, sr, settings):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            return "550 5.1.1 No such mailbox"

    smtp.stop()
    smtp.inbox = Refusing()
    smtp.start()
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    delivered = services.deliver(message.pk)

    assert delivered.status == Status.FAILED
    assert "550" in delivered.last_error and "wang@example.com" in delivered.last_error
