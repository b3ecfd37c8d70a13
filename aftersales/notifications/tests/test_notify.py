"""Queueing a message: who gets it, on which channel, in which language, and only once."""

import logging

import pytest
from django.db import transaction

from aftersales.notifications import services
from aftersales.notifications.models import (
    Channel,
    Event,
    MessageTemplate,
    OutboundMessage,
    Status,
)
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UserFactory


def test_a_customer_with_email_gets_the_received_message_in_chinese(sr, settings):
    # Given a customer with an email address who prefers Chinese (the default)
    settings.SERVICE_NAME = "海尔售后"
    settings.SERVICE_PHONE = "400-699-9999"

    # When their request is registered
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)

    # Then one email is queued, rendered now, due at once
    assert message.channel == Channel.EMAIL
    assert message.to_address == "wang@example.com"
    assert message.customer == sr.customer and message.user is None
    assert message.request == sr
    assert message.language == "zh-hans"
    assert message.status == Status.QUEUED and message.attempts == 0
    assert message.next_attempt_at is not None
    assert message.subject == "【海尔售后】我们已收到您的服务请求 SR-2026-000123"
    assert "王小明，您好" in message.body
    assert "SR-2026-000123（空调不制冷）" in message.body
    assert "400-699-9999" in message.body
    assert "{{" not in message.body and "{%" not in message.body


def test_a_customer_without_email_gets_an_sms_to_their_phone(db):
    customer = CustomerFactory(name="李雷", email="", phone="13900001111")
    request = ServiceRequestFactory(customer=customer)

    [message] = services.notify(Event.REQUEST_RECEIVED, request=request)

    assert message.channel == Channel.SMS
    assert message.to_address == "13900001111"
    assert message.subject == ""
    assert request.number in message.body


def test_the_caller_can_ask_for_a_channel(sr):
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr, channel=Channel.SMS)
    assert message.channel == Channel.SMS
    assert message.to_address == "13800138000"


def test_an_english_speaking_customer_gets_english(db):
    customer = CustomerFactory(name="John Smith", email="john@example.com", language="en")
    request = ServiceRequestFactory(customer=customer, subject="Fridge is noisy")

    [message] = services.notify(
        Event.VISIT_BOOKED,
        request=request,
        context={
            "visit_date": "2026-03-03",
            "visit_window": "09:00–12:00",
            "technician_name": "Li",
        },
    )

    assert message.language == "en"
    assert message.subject == "[aftersales] Your service visit: 2026-03-03, 09:00–12:00"
    assert message.body.startswith("Dear John Smith,")
    assert "Technician: Li" in message.body


def test_without_a_template_in_their_language_the_other_language_is_used(db):
    # Given the English template of an event is switched off
    MessageTemplate.objects.filter(event=Event.REQUEST_RESOLVED, language="en").update(active=False)
    customer = CustomerFactory(email="john@example.com", language="en")
    request = ServiceRequestFactory(customer=customer)

    # When the English-speaking customer is told their request is resolved
    [message] = services.notify(
        Event.REQUEST_RESOLVED, request=request, context={"resolution": "换了电容"}
    )

    # Then they get the Chinese text rather than nothing
    assert message.language == "zh-hans"
    assert "已处理完成" in message.subject
    assert "换了电容" in message.body


def test_no_active_template_at_all_queues_nothing(db, caplog):
    MessageTemplate.objects.filter(event=Event.FOLLOW_UP, channel=Channel.EMAIL).update(
        active=False
    )
    customer = CustomerFactory(email="a@example.com")
    with caplog.at_level(logging.WARNING, logger="aftersales.notifications"):
        assert services.notify(Event.FOLLOW_UP, customer=customer) == []
    assert not OutboundMessage.objects.exists()
    assert "No active email template for follow_up" in caplog.text


def test_a_recipient_without_any_address_gets_nothing_and_nothing_fails(db, caplog):
    # Given a customer with neither email nor phone, and a user without email
    customer = CustomerFactory(email="", phone="")
    user = UserFactory(email="")

    # When messages are asked for
    with caplog.at_level(logging.INFO, logger="aftersales.notifications"):
        assert services.notify(Event.REQUEST_RECEIVED, customer=customer) == []
        assert services.notify(Event.ASSIGNED, user=user) == []
        assert services.notify(Event.REQUEST_RECEIVED, customer=customer, channel="wechat") == []

    # Then no row, and the log says why
    assert not OutboundMessage.objects.exists()
    assert "not queued" in caplog.text


def test_staff_events_go_to_the_assignee_by_email_in_their_language(db, settings):
    settings.SITE_URL = "https://service.example.com"
    tech = UserFactory(first_name="Wei", last_name="Li", email="li@example.com", language="en")
    request = ServiceRequestFactory(assignee=tech, subject="Washer leaks")

    [message] = services.notify(
        Event.SLA_WARNING,
        request=request,
        context={"deadline_kind": "response", "deadline": "2026-03-02 17:00"},
    )

    assert message.user == tech and message.customer is None
    assert message.to_address == "li@example.com"
    assert message.subject == f"[Deadline near] {request.number}: response due 2026-03-02 17:00"
    assert f"https://service.example.com/requests/{request.number}/" in message.body


def test_a_user_and_a_customer_both_get_one(db):
    user = UserFactory(email="boss@example.com")
    customer = CustomerFactory(email="c@example.com")
    messages = services.notify(
        Event.QUOTE_SENT,
        customer=customer,
        user=user,
        context={"quote_url": "https://x/q/1/"},
        dedupe_key="quote-1",
    )
    assert {m.to_address for m in messages} == {"boss@example.com", "c@example.com"}
    # The same key again finds both, and makes no new ones.
    again = services.notify(
        Event.QUOTE_SENT, customer=customer, user=user, context={}, dedupe_key="quote-1"
    )
    assert {m.pk for m in again} == {m.pk for m in messages}
    assert OutboundMessage.objects.count() == 2


def test_the_same_cause_never_queues_two_messages(sr):
    [first] = services.notify(Event.REQUEST_RECEIVED, request=sr, dedupe_key=f"received:{sr.pk}")
    [second] = services.notify(Event.REQUEST_RECEIVED, request=sr, dedupe_key=f"received:{sr.pk}")

    assert second.pk == first.pk
    assert OutboundMessage.objects.count() == 1


def test_a_repeated_key_returns_the_first_and_keeps_the_callers_transaction(sr):
    # Given a message queued under a key (by another process, or a retried request)
    [winner] = services.notify(Event.REQUEST_RECEIVED, request=sr, dedupe_key="k")

    # When the same key is queued again inside the caller's own transaction
    with transaction.atomic():
        [found] = services.notify(Event.REQUEST_RECEIVED, request=sr, dedupe_key="k")
        # Then the unique key refused the copy in a savepoint: the transaction goes on
        assert OutboundMessage.objects.count() == 1

    assert found.pk == winner.pk


def test_a_rolled_back_change_sends_nothing(sr, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(Event.REQUEST_RECEIVED, request=sr)
        raise RuntimeError("the change failed")
    assert not OutboundMessage.objects.exists()
    assert callbacks == []


def test_delivery_is_handed_to_the_workers_after_commit(
    sr, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mailoutbox) == 1


def test_a_template_edit_does_not_change_queued_messages(sr, manager):
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    template = MessageTemplate.objects.get(
        event=Event.REQUEST_RECEIVED, channel=Channel.EMAIL, language="zh-hans"
    )
    template.subject = "新标题 {{ request_number }}"
    services.save_template(template, actor=manager)

    message.refresh_from_db()
    assert message.subject == "【aftersales】我们已收到您的服务请求 SR-2026-000123"
    [later] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    assert later.subject == "新标题 SR-2026-000123"


def test_templates_see_only_the_variables_they_are_given(sr, manager):
    # A template cannot reach into objects or load files: only plain values are rendered.
    template = MessageTemplate.objects.get(
        event=Event.ASSIGNED, channel=Channel.EMAIL, language="zh-hans"
    )
    template.body = "[{{ request.customer.phone }}][{{ settings.SECRET_KEY }}]{{ request_number }}"
    services.save_template(template, actor=manager)
    user = UserFactory(email="t@example.com", language="zh-hans")

    [message] = services.notify(Event.ASSIGNED, request=sr, user=user)

    assert message.body == "[][]SR-2026-000123"


def test_unknown_events_and_channels_are_programming_errors(sr):
    with pytest.raises(ValueError):
        services.notify("party", request=sr)
    with pytest.raises(ValueError):
        services.notify(Event.REQUEST_RECEIVED, request=sr, channel="pigeon")
