"""A customer's message on a request, whatever the channel, and a reply to them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.errors import DomainError
from aftersales.notifications.models import OutboundMessage
from aftersales.service import services
from aftersales.service.choices import Channel, EventKind, Status, Visibility
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def waiting(agent):
    agent.email = "chen@service.example.com"
    agent.save()
    customer = CustomerFactory(email="wang@example.com")
    return ServiceRequestFactory(customer=customer, status=Status.WAITING_CUSTOMER, assignee=agent)


def test_a_message_lands_on_the_timeline_and_puts_the_request_back_to_work(waiting, agent):
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")

    received = services.receive_message(
        waiting,
        body="明天上午家里有人",
        channel=Channel.EMAIL,
        sender="wang@example.com",
        files=[photo, script],
    )

    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS and received.resumed
    event = received.event
    assert (event.kind, event.visibility, event.actor) == (
        EventKind.MESSAGE,
        Visibility.PUBLIC,
        None,
    )
    assert event.data["sender"] == "wang@example.com"
    assert [a.original_name for a in received.attachments] == ["photo.png"]
    assert [r["name"] for r in received.refused] == ["run.exe"]
    told = OutboundMessage.objects.get(event="customer_replied")
    assert told.user == agent and "明天上午家里有人" in told.body


def test_a_request_nobody_has_stays_where_it_is(agent):
    request = ServiceRequestFactory(status=Status.NEW)

    received = services.receive_message(request, body="还在吗", channel=Channel.SMS)

    request.refresh_from_db()
    assert request.status == Status.NEW and not received.resumed
    assert not OutboundMessage.objects.filter(event="customer_replied").exists()


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_a_finished_request_takes_no_more_messages(status):
    request = ServiceRequestFactory(status=status)

    with pytest.raises(DomainError):
        services.receive_message(request, body="又坏了", channel=Channel.WECHAT)

    assert not request.events.exists()


def test_a_customer_writing_in_the_portal_is_a_message_too(customer_user, agent):
    request = ServiceRequestFactory(
        customer=customer_user.customer, status=Status.WAITING_CUSTOMER, assignee=agent
    )

    event = services.add_comment(
        request, actor=customer_user, body="照片已上传", visibility=Visibility.PUBLIC
    )

    request.refresh_from_db()
    assert (event.kind, event.actor, event.data["channel"]) == (
        EventKind.MESSAGE,
        customer_user,
        "portal",
    )
    assert request.status == Status.IN_PROGRESS


def test_a_message_to_the_customer_is_sent_with_the_request_number_in_the_subject(agent):
    request = ServiceRequestFactory(customer=CustomerFactory(email="wang@example.com"))

    services.add_comment(
        request, actor=agent, body="配件已到，明天上门。", visibility=Visibility.PUBLIC
    )
    services.add_comment(request, actor=agent, body="internal only")

    sent = OutboundMessage.objects.get(event="agent_reply")
    assert sent.to_address == "wang@example.com"
    assert f"[{request.number}]" in sent.subject
    assert "配件已到，明天上门。" in sent.body
