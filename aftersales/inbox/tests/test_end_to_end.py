"""The email channel end to end with real servers: a customer's mail sent over SMTP to
the team mailbox becomes a request; the agent's reply on the request page arrives at the
customer's mail server threaded on their mail; their answer, fetched from Dovecot over
IMAP, lands on the same request."""

import smtplib
import socket
from email import policy
from email.parser import BytesParser

import pytest
from django.urls import reverse

from aftersales.inbox import smtpd, tasks
from aftersales.inbox.models import InboundMail, Outcome
from aftersales.inbox.tests.conftest import build
from aftersales.service.choices import Channel, EventKind
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver():
    """Our SMTP receiver (what `manage.py receive_mail` runs) on a free port."""
    port = _free_port()
    server = smtpd.controller("127.0.0.1", port)
    server.start()
    yield port
    server.stop()


def parse(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_mail_in_reply_out_answer_in(
    receiver, smtp, imap_server, mailbox, known, agent, client, monkeypatch
):
    # Given the team mailbox is also read over IMAP from Dovecot
    monkeypatch.setenv("INBOX_TEST_PASSWORD", imap_server.password)
    mailbox.imap_host, mailbox.imap_port, mailbox.imap_ssl = "127.0.0.1", imap_server.port, False
    mailbox.imap_user, mailbox.imap_password_env = imap_server.user, "INBOX_TEST_PASSWORD"
    mailbox.save()

    # When the customer mails the team mailbox, with a photo
    first_id = "<first.1@customer.example.com>"
    raw = build(message_id=first_id, files=[("空调.png", "image/png", PNG)])
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client_smtp:
        client_smtp.sendmail("wang@example.com", ["support@example.com"], raw)

    # Then it is a request of that customer, photo kept
    mail = InboundMail.objects.get(message_id=first_id)
    assert mail.outcome == Outcome.CREATED
    request = mail.request
    assert (request.customer, request.channel) == (known, Channel.EMAIL)
    assert [a.original_name for a in request.attachments.all()] == ["空调.png"]
    # and the customer was sent its number, threaded on their mail
    confirmation = parse(smtp.received[-1][2])
    assert request.number in confirmation["Subject"]
    assert confirmation["In-Reply-To"] == first_id

    # When the agent replies on the request page with a message to the customer
    client.force_login(agent)
    response = client.post(
        reverse("service:comment", args=[request.number]),
        {"body": "请先清洗滤网，再试一次。", "visibility": "public"},
    )
    assert response.status_code == 302

    # Then the email reaches the customer's server with the number and threading headers
    sent = parse(smtp.received[-1][2])
    assert sent["To"] == "wang@example.com"
    assert f"[{request.number}]" in sent["Subject"]
    assert "请先清洗滤网" in sent.get_content()
    assert sent["In-Reply-To"] == first_id
    assert sent["References"].split()[0] == first_id
    assert "support@example.com" in sent["Reply-To"]
    our_id = sent["Message-ID"]

    # When the customer answers (their client keeps In-Reply-To, drops the number)
    answer = build(
        subject="Re: 空调不制冷",
        body=(
            "洗过了，还是不制冷。\n\n-----原始邮件-----\n"
            "发件人: 售后服务\n发送时间: 今天\n请先清洗滤网"
        ),
        message_id="<answer.2@customer.example.com>",
        headers={"In-Reply-To": our_id, "References": f"{first_id} {our_id}"},
    )
    imap_server.append(answer)
    assert tasks.poll_mailboxes() == {"support@example.com": 1}

    # Then it is a message on the same request, and marked read on the server
    assert ServiceRequest.objects.count() == 1
    message = request.events.get(kind=EventKind.MESSAGE)
    assert message.body == "洗过了，还是不制冷。"
    assert message.data["sender"] == "wang@example.com"
    assert InboundMail.objects.get(message_id="<answer.2@customer.example.com>").outcome == (
        Outcome.ADDED
    )
    assert imap_server.seen() == [1]

    # And polling again finds nothing new; the same mail over SMTP as well makes no entry
    assert tasks.poll_mailboxes() == {"support@example.com": 0}
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client_smtp:
        client_smtp.sendmail("wang@example.com", ["support@example.com"], answer)
    assert InboundMail.objects.count() == 2
    assert request.events.filter(kind=EventKind.MESSAGE).count() == 1


def test_the_receiver_refuses_addresses_that_are_not_our_mailboxes(receiver, mailbox):
    with (
        smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client_smtp,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client_smtp.sendmail("a@example.com", ["nobody@example.com"], build())
    assert refused.value.recipients["nobody@example.com"][0] == 550
    assert not InboundMail.objects.exists()
