"""`services.receive`: a new mail opens a request, a reply lands on its request, and
what must not become a request (duplicates, auto-replies, bounces, loops) does not."""

import pytest

from aftersales.customers.models import Customer
from aftersales.inbox import services
from aftersales.inbox.models import InboundMail, Outcome
from aftersales.notifications.models import OutboundMessage
from aftersales.service.choices import Channel, EventKind, Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def test_a_new_mail_from_a_known_customer_opens_a_request_for_them(mailbox, known, mail):
    received = services.receive(
        mail(
            files=[
                ("铭牌.png", "image/png", PNG),
                ("setup.exe", "application/x-msdownload", b"MZ" + b"\x00" * 64),
            ]
        ),
        mailbox,
    )

    assert received.outcome == Outcome.CREATED
    request = received.request
    assert request.customer == known
    assert request.channel == Channel.EMAIL
    assert request.subject == "空调不制冷"
    assert "开机后不制冷" in request.description
    assert request.team == mailbox.team
    # the photo is kept on the request, the program is named as refused
    assert [a.original_name for a in request.attachments.all()] == ["铭牌.png"]
    assert "setup.exe" in received.note
    # the raw message is kept whole
    with received.raw.open("rb") as raw:
        assert b"setup.exe" in raw.read()
    assert received.raw_size > 0
    # the customer is told the number, by email
    assert OutboundMessage.objects.filter(request=request, event="request_received").exists()


def test_an_unknown_sender_becomes_a_new_customer_flagged_for_review(mailbox, mail):
    # Notes are written in the mailbox's language (its team reads them).
    mailbox.language = "en"
    mailbox.save()
    received = services.receive(mail(sender="李雷 <lilei@example.net>"), mailbox)

    customer = received.request.customer
    assert customer.name == "李雷"
    assert customer.email == "lilei@example.net"
    assert customer.needs_review is True
    assert customer.source == "email"
    assert "new customer" in received.note


def test_the_same_message_twice_makes_one_entry(mailbox, known, mail):
    raw = mail(message_id="<once@customer.example.com>")

    first = services.receive(raw, mailbox)
    second = services.receive(raw, mailbox)

    assert second.pk == first.pk
    assert InboundMail.objects.count() == 1
    assert ServiceRequest.objects.count() == 1


def test_the_same_words_sent_again_under_a_new_id_are_a_duplicate(mailbox, known, mail):
    first = services.receive(mail(), mailbox)
    again = services.receive(mail(), mailbox)

    assert again.outcome == Outcome.DUPLICATE
    assert again.request == first.request
    assert ServiceRequest.objects.count() == 1


def test_a_reply_by_the_number_in_the_subject_lands_on_the_request(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known, status=Status.IN_PROGRESS)

    received = services.receive(
        mail(
            subject=f"Re: [{request.number}] 空调不制冷",
            body="已经换了滤网，还是不行。\n\n"
            "在 2026年3月1日 10:00，售后服务 <support@example.com> 写道：\n> 请清洗滤网",
        ),
        mailbox,
    )

    assert received.outcome == Outcome.ADDED
    assert received.request == request
    message = request.events.get(kind=EventKind.MESSAGE)
    assert message.body == "已经换了滤网，还是不行。"
    assert message.data["channel"] == Channel.EMAIL


def test_a_stranger_quoting_another_customers_number_does_not_reach_it(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known, status=Status.IN_PROGRESS)

    received = services.receive(
        mail(sender="someone@evil.example", subject=f"Re: [{request.number}] 取消", body="取消"),
        mailbox,
    )

    assert received.outcome == Outcome.CREATED
    assert received.request != request
    assert received.request.customer.email == "someone@evil.example"
    assert received.flagged is True
    assert request.number in received.note
    assert not request.events.filter(kind=EventKind.MESSAGE).exists()


def test_another_known_customer_quoting_a_number_gets_their_own_request(mailbox, known, mail):
    request = ServiceRequestFactory(customer=known, status=Status.IN_PROGRESS)
    other = CustomerFactory(email="zhang@example.com")

    received = services.receive(
        mail(sender="zhang@example.com", subject=f"[{request.number}]"), mailbox
    )

    assert received.request.customer == other
    assert received.flagged


def test_a_reply_to_a_closed_request_opens_a_new_one_that_names_it(mailbox, known, mail):
    old = ServiceRequestFactory(customer=known, status=Status.CLOSED)

    received = services.receive(mail(subject=f"Re: [{old.number}] 空调不制冷",
                                     body="又坏了"), mailbox)  # fmt: skip

    assert received.outcome == Outcome.REOPENED
    assert received.request != old
    assert old.number in received.request.description
    assert "又坏了" in received.request.description


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"List-Id": "<news.example.com>"},
    ],
)
def test_an_auto_reply_makes_no_request(mailbox, known, mail, headers):
    received = services.receive(mail(subject="自动回复：空调不制冷", headers=headers), mailbox)

    assert received.outcome == Outcome.AUTO_REPLY
    assert received.request is None
    assert not ServiceRequest.objects.exists()


def test_auto_submitted_no_is_a_person(mailbox, known, mail):
    received = services.receive(mail(headers={"Auto-Submitted": "no"}), mailbox)

    assert received.outcome == Outcome.CREATED


def test_mail_from_our_own_address_is_never_answered(mailbox, mail):
    received = services.receive(mail(sender=mailbox.address), mailbox)

    assert received.outcome == Outcome.REFUSED
    assert not ServiceRequest.objects.exists()
    assert not Customer.objects.exists()


def test_a_mail_that_cannot_be_handled_is_kept_as_refused(mailbox, mail):
    received = services.receive(mail(sender="not an address"), mailbox)

    assert received.outcome == Outcome.REFUSED
    assert received.raw_size > 0


def test_an_inactive_mailbox_takes_nothing(mailbox, known, mail):
    mailbox.active = False
    mailbox.save()

    assert services.receive(mail(), mailbox).outcome == Outcome.REFUSED
    assert not ServiceRequest.objects.exists()
