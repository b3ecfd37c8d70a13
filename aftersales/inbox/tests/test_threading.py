"""Threading both ways: replies found by In-Reply-To / References (our outbound ids and the
customer's earlier mail), strangers kept off others' requests, bounces recorded on our
message, and the headers our replies carry."""

import pytest

from aftersales.inbox import services, threading
from aftersales.inbox.models import Mailbox, Outcome
from aftersales.notifications.adapters import message_id_for
from aftersales.notifications.models import DeliveryEvent, OutboundMessage
from aftersales.notifications.models import Status as OutboxStatus
from aftersales.service.choices import EventKind, Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def outbound(request, **fields):
    return OutboundMessage.objects.create(
        event="agent_reply", channel="email", to_address="wang@example.com",
        customer=request.customer, request=request, language="zh-hans",
        subject=f"[{request.number}] x", body="x", **fields,
    )  # fmt: skip


def test_a_reply_to_our_email_lands_on_its_request_without_a_number(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known, status=Status.WAITING_CUSTOMER)
    ours = outbound(request)

    received = services.receive(
        mail(subject="Re: 您的问题", headers={"In-Reply-To": message_id_for(ours)}), mailbox
    )

    assert (received.outcome, received.request, received.outbound) == (
        Outcome.ADDED, request, ours,
    )  # fmt: skip


def test_a_reply_to_the_customers_earlier_mail_threads_by_references(mailbox, known, mail):
    first = services.receive(mail(message_id="<one@c.example>"), mailbox)

    again = services.receive(
        mail(subject="补充", body="还有噪音", headers={"References": "<one@c.example>"}), mailbox
    )

    assert again.outcome == Outcome.ADDED and again.request == first.request


def test_a_made_up_outbox_id_does_not_thread(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known)
    ours = outbound(request)

    received = services.receive(
        mail(headers={"In-Reply-To": f"<outbox.{ours.pk}.1@example.com>"}), mailbox
    )

    assert received.outcome == Outcome.CREATED and received.request != request


def test_a_stranger_replying_in_the_thread_gets_a_request_of_their_own(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known, status=Status.IN_PROGRESS)
    ours = outbound(request)

    received = services.receive(
        mail(sender="forwarded@other.example", headers={"In-Reply-To": message_id_for(ours)}),
        mailbox,
    )

    assert received.request != request and received.flagged
    assert not request.events.filter(kind=EventKind.MESSAGE).exists()


def test_a_bounce_of_our_email_marks_it_failed_and_makes_no_request(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known)
    ours = outbound(request, status=OutboxStatus.SENT, attempts=1)
    report = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        "To: noreply@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce.1@mx.example.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        "Final-Recipient: rfc822; wang@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r\n\r\n"
        f"--b\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: {message_id_for(ours)}\r\n"
        "Subject: x\r\n\r\nx\r\n--b--\r\n"
    ).encode()

    received = services.receive(report, mailbox)

    assert received.outcome == Outcome.BOUNCE
    assert received.outbound == ours and received.request == request
    ours.refresh_from_db()
    assert ours.status == OutboxStatus.FAILED
    assert "mailbox unavailable" in ours.last_error
    assert DeliveryEvent.objects.filter(message=ours, kind="failed").exists()
    assert ServiceRequest.objects.count() == 1


def test_our_replies_carry_threading_headers(mailbox, known, mail, settings):
    first = services.receive(mail(message_id="<one@c.example>"), mailbox)
    request = first.request
    services.receive(mail(body="补充", message_id="<two@c.example>",
                          headers={"In-Reply-To": "<one@c.example>"}), mailbox)  # fmt: skip
    reply = outbound(request)

    headers = threading.headers_for(reply)

    assert headers["In-Reply-To"] == "<two@c.example>"
    assert headers["References"].split() == ["<one@c.example>", "<two@c.example>"]
    assert headers["Reply-To"] == "售后服务 <support@example.com>"


def test_a_request_from_the_phone_gets_the_default_mailbox_as_reply_to(db, known):
    Mailbox.objects.create(address="other@example.com")
    Mailbox.objects.create(address="help@example.com", is_default=True)
    request = ServiceRequestFactory(customer=known)

    assert threading.headers_for(outbound(request)) == {"Reply-To": "help@example.com"}


def test_emails_to_staff_are_not_threaded_on_the_customers_mail(mailbox, known, mail, agent):
    request = services.receive(mail(), mailbox).request
    to_staff = outbound(request, user=agent)

    assert threading.headers_for(to_staff) == {}


def test_no_mailbox_no_headers(db, known):
    assert threading.headers_for(outbound(ServiceRequestFactory(customer=known))) == {}
