"""The `OUTBOX_EMAIL_HEADERS` hook: extra headers (the inbox's threading) on every email,
without this app importing the inbox; a failing hook does not stop the email."""

from email import policy
from email.parser import BytesParser

from aftersales.notifications import services
from aftersales.notifications.models import Event, Status


def threading_headers(message):
    return {"In-Reply-To": "<first@customer.example>", "Reply-To": "售后 <support@example.com>"}


def broken_hook(message):
    raise RuntimeError("the hook is broken")


def test_the_hook_adds_headers_to_the_email(smtp, sr, settings):
    settings.OUTBOX_EMAIL_HEADERS = f"{__name__}.threading_headers"
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    assert services.deliver(message.pk).status == Status.SENT

    mail = BytesParser(policy=policy.default).parsebytes(smtp.received[0][2])
    assert mail["In-Reply-To"] == "<first@customer.example>"
    assert mail["Reply-To"] == "售后 <support@example.com>"
    # the hook cannot replace our own Message-ID
    assert mail["Message-ID"].startswith(f"<outbox.{message.pk}.")


def test_a_failing_hook_still_sends_the_email(smtp, sr, settings):
    settings.OUTBOX_EMAIL_HEADERS = f"{__name__}.broken_hook"
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    assert services.deliver(message.pk).status == Status.SENT
    assert "In-Reply-To" not in BytesParser(policy=policy.default).parsebytes(smtp.received[0][2])
