"""Webhooks of WeChat, the SMS gateway and the chat widget: signed deliveries become
requests or messages on the sender's open request; the same delivery twice is one entry;
a wrong signature, a stale timestamp or a provider switched off writes nothing."""

import time

import pytest

from aftersales.customers.models import Customer
from aftersales.intake.models import ChannelIdentity, InboundMessage
from aftersales.intake.tests.conftest import CHAT_SECRET, SMS_SECRET, WECHAT_TOKEN
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory
from aftersales.testing.webhooks import ChatWidgetDouble, SmsGatewayDouble, WeChatDouble

pytestmark = pytest.mark.django_db


@pytest.fixture
def wechat(client):
    return WeChatDouble(client, WECHAT_TOKEN)


@pytest.fixture
def sms(client):
    return SmsGatewayDouble(client, SMS_SECRET)


@pytest.fixture
def chat(client):
    return ChatWidgetDouble(client, CHAT_SECRET)


def nothing_written():
    return (
        InboundMessage.objects.count() == 0
        and ServiceRequest.objects.count() == 0
        and Customer.objects.count() == 0
    )


def messages_on(request):
    return list(
        TimelineEvent.objects.filter(request=request, kind="message").values_list("body", flat=True)
    )


# --- WeChat --------------------------------------------------------------------------------


def test_wechat_checks_the_url_by_echoing_echostr(wechat):
    response = wechat.check_url("echo-123")
    assert response.status_code == 200 and response.content == b"echo-123"


def test_wechat_url_check_with_a_wrong_token_is_refused(wechat):
    response = wechat.check_url("echo-123", token="not-our-token")
    assert response.status_code == 403 and b"echo-123" not in response.content


def test_a_wechat_text_opens_a_request_then_the_next_lands_on_it(wechat):
    response = wechat.text("o-openid-0001", "空调不制冷了", msg_id="1001")
    assert response.status_code == 200 and response.content == b"success"
    first = InboundMessage.objects.get()
    assert first.outcome == "created" and first.request.channel == "wechat"
    customer = first.request.customer
    assert customer.needs_review and customer.source == "wechat"
    assert ChannelIdentity.objects.get().customer == customer
    wechat.text("o-openid-0001", "显示 E1", msg_id="1002")
    second = InboundMessage.objects.get(message_id="1002")
    assert second.outcome == "added" and second.request == first.request
    assert messages_on(first.request) == ["显示 E1"]
    assert Customer.objects.count() == 1 and ServiceRequest.objects.count() == 1


def test_a_wechat_sender_is_answered_on_wechat(wechat, agent):
    from aftersales.notifications.models import OutboundMessage
    from aftersales.service.services import add_comment

    wechat.text("o-openid-0001", "空调不制冷了", msg_id="1001")
    request = InboundMessage.objects.get().request

    add_comment(request, actor=agent, body="师傅明天上午到。", visibility="public")

    sent = OutboundMessage.objects.filter(request=request).order_by("pk")
    assert [(m.event, m.channel, m.to_address) for m in sent] == [
        ("request_received", "wechat", "o-openid-0001"),
        ("agent_reply", "wechat", "o-openid-0001"),
    ]


def test_the_same_wechat_delivery_twice_makes_one_entry(wechat):
    wechat.text("o-openid-0001", "空调不制冷了", msg_id="1001")
    response = wechat.text("o-openid-0001", "空调不制冷了", msg_id="1001")
    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1 and ServiceRequest.objects.count() == 1


def test_a_wechat_picture_is_noted_on_the_request(wechat):
    wechat.text("o-openid-0001", "漏水", msg_id="1001")
    wechat.image("o-openid-0001", msg_id="1002")
    entry = InboundMessage.objects.get(message_id="1002")
    assert entry.outcome == "added" and entry.data["pic_url"].startswith("http://")
    assert messages_on(entry.request) == ["(The customer sent a picture.)"]


def test_a_wechat_subscription_event_is_logged_and_ignored(wechat):
    assert wechat.event("o-openid-0001").status_code == 200
    entry = InboundMessage.objects.get()
    assert entry.outcome == "ignored" and entry.request is None
    assert ServiceRequest.objects.count() == 0 and Customer.objects.count() == 0


@pytest.mark.parametrize(
    "signing",
    [{"token": "wrong-token"}, {"timestamp": int(time.time()) - 3600}],
    ids=["wrong token", "stale timestamp"],
)
def test_a_wechat_post_not_signed_by_us_is_refused(wechat, signing):
    response = wechat.text("o-openid-0001", "hi", msg_id="1001", **signing)
    assert response.status_code == 403
    assert nothing_written()


def test_a_wechat_body_with_a_dtd_is_refused(wechat):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        "<xml><FromUserName>&a;</FromUserName></xml>"
    )
    assert wechat.post_xml(xml).status_code == 400
    assert nothing_written()


def test_a_provider_without_its_secret_is_switched_off(wechat, sms, settings):
    settings.WECHAT_TOKEN = ""
    settings.SMS_WEBHOOK_SECRET = ""
    assert wechat.text("o-openid-0001", "hi", msg_id="1001").status_code == 404
    assert wechat.check_url("echo").status_code == 404
    assert sms.text("+8613800138000", "hi", message_id="s1").status_code == 404
    assert nothing_written()


def test_an_unknown_provider_is_not_found(client):
    assert (
        client.post(
            "/api/v1/hooks/telegram/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )


# --- SMS -----------------------------------------------------------------------------------


def test_an_sms_from_a_known_customer_opens_a_request_for_them(sms):
    known = CustomerFactory(name="王小明", phone="13800138000")
    response = sms.text("+86 138 0013 8000", "热水器不出热水", message_id="s-1")
    assert response.status_code == 200 and response.json() == {"received": 1, "duplicates": 0}
    entry = InboundMessage.objects.get()
    assert entry.outcome == "created" and entry.customer == known
    assert entry.request.customer == known and entry.request.channel == "sms"
    assert Customer.objects.count() == 1


def test_an_sms_lands_on_the_newest_open_sms_request_only(sms):
    known = CustomerFactory(name="王小明", phone="13800138000")
    ServiceRequestFactory(customer=known, channel="sms", status=Status.CLOSED)
    older = ServiceRequestFactory(customer=known, channel="sms", status=Status.IN_PROGRESS)
    newer = ServiceRequestFactory(customer=known, channel="sms", status=Status.WAITING_CUSTOMER)
    ServiceRequestFactory(customer=known, channel="phone", status=Status.NEW)
    newer.received_at = older.received_at.replace(year=older.received_at.year + 1)
    newer.save()
    sms.text("13800138000", "好的，明天在家", message_id="s-2")
    entry = InboundMessage.objects.get()
    assert entry.outcome == "added" and entry.request == newer
    assert messages_on(newer) == ["好的，明天在家"]


def test_an_sms_to_a_finished_request_opens_a_new_one(sms):
    known = CustomerFactory(name="王小明", phone="13800138000")
    done = ServiceRequestFactory(customer=known, channel="sms", status=Status.RESOLVED)
    sms.text("13800138000", "又坏了", message_id="s-3")
    entry = InboundMessage.objects.get()
    assert entry.outcome == "created" and entry.request != done


def test_an_sms_from_an_unknown_number_makes_a_customer_to_review(sms):
    sms.text("+8613911112222", "洗衣机漏水", message_id="s-4")
    customer = InboundMessage.objects.get().customer
    assert customer.needs_review and customer.source == "sms"
    assert customer.phone_normalized == "+8613911112222"


def test_the_same_sms_twice_makes_one_entry(sms):
    sms.text("+8613911112222", "洗衣机漏水", message_id="s-5")
    response = sms.text("+8613911112222", "洗衣机漏水", message_id="s-5")
    assert response.json() == {"received": 0, "duplicates": 1}
    assert InboundMessage.objects.count() == 1 and ServiceRequest.objects.count() == 1


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "wrong-secret"},
        {"signature": "0" * 64},
        {"signature": ""},
        {"timestamp": int(time.time()) - 3600},
        {"timestamp": int(time.time()) + 3600},
    ],
    ids=["wrong secret", "forged", "missing", "stale", "future"],
)
def test_an_sms_not_signed_by_the_gateway_is_refused(sms, signing):
    response = sms.text("+8613911112222", "洗衣机漏水", message_id="s-6", **signing)
    assert response.status_code == 403
    assert nothing_written()


def test_an_sms_without_a_sender_is_a_bad_request(sms):
    response = sms.post({"id": "s-7", "text": "no sender"})
    assert response.status_code == 400
    assert nothing_written()


def test_a_batch_of_sms_is_taken_one_by_one(sms):
    response = sms.post(
        {"messages": [
            {"id": "b-1", "from": "+8613911112222", "text": "first"},
            {"id": "b-2", "from": "+8613911112222", "text": "second"},
        ]}
    )  # fmt: skip
    assert response.json() == {"received": 2, "duplicates": 0}
    request = ServiceRequest.objects.get()
    assert request.description == "first" and messages_on(request) == ["second"]


# --- Chat ----------------------------------------------------------------------------------


def test_a_chat_visitor_is_known_by_their_visitor_id(chat):
    chat.text("visitor-1", "My TV has no sound", message_id="c-1", name="Anna")
    chat.text("visitor-1", "It is the 55 inch model", message_id="c-2")
    entries = list(InboundMessage.objects.order_by("pk"))
    assert [e.outcome for e in entries] == ["created", "added"]
    customer = entries[0].customer
    assert customer.name == "Anna" and customer.source == "chat" and customer.needs_review
    assert ChannelIdentity.objects.get(channel="chat", external_id="visitor-1").customer == customer


def test_a_chat_visitor_who_gives_a_known_email_is_that_customer(chat):
    known = CustomerFactory(name="Bob", email="bob@example.com")
    chat.text("visitor-2", "Hello", message_id="c-3", name="Bobby", email="BOB@example.com")
    assert InboundMessage.objects.get().customer == known
    assert ChannelIdentity.objects.get().customer == known
    assert Customer.objects.count() == 1


def test_a_chat_line_with_a_bad_signature_is_refused(chat):
    response = chat.text("visitor-1", "hi", message_id="c-4", secret="wrong")
    assert response.status_code == 403
    assert nothing_written() and ChannelIdentity.objects.count() == 0


def test_a_hook_takes_no_csrf_token_and_no_login(chat, client):
    client.handler.enforce_csrf_checks = True
    assert chat.text("visitor-1", "hi", message_id="c-5").status_code == 200
