"""The templates the data migration seeds: every event in both languages, and each renders."""

import pytest

from aftersales.notifications import services
from aftersales.notifications.models import (
    ACCOUNT_EVENTS,
    CUSTOMER_EVENTS,
    Event,
    MessageTemplate,
)


def test_every_event_has_an_email_in_chinese_and_english(db):
    have = set(MessageTemplate.objects.values_list("event", "channel", "language"))
    for event in Event.values:
        for language in ("zh-hans", "en"):
            assert (event, "email", language) in have
    for event in CUSTOMER_EVENTS:
        for language in ("zh-hans", "en"):
            assert (event, "sms", language) in have
            assert (event, "wechat", language) in have
    for event in ACCOUNT_EVENTS:
        for language in ("zh-hans", "en"):
            assert (event, "sms", language) in have


@pytest.mark.parametrize("template_id", range(90))
def test_each_seeded_template_renders_with_its_variables(db, template_id):
    templates = list(MessageTemplate.objects.order_by("event", "channel", "language"))
    assert len(templates) == 90
    template = templates[template_id]
    services.check_template(template)
    result = services.preview(
        template.event, template.channel, template.language, template.subject, template.body
    )
    assert result["errors"] == {}
    about_no_request = template.event in (Event.FOLLOW_UP, Event.CAMPAIGN, *ACCOUNT_EVENTS)
    assert "SR-2026-000123" in result["body"] or about_no_request
    assert "{{" not in result["body"] and "{%" not in result["body"]
    if template.channel != "email":
        # An SMS stays within a few segments with every variable filled in.
        assert len(result["body"]) <= 200, result["body"]


def test_short_texts_leave_out_what_is_not_known(db):
    template = MessageTemplate.objects.get(
        event=Event.REQUEST_RECEIVED, channel="sms", language="zh-hans"
    )
    text = services.render(template.body, {"service_name": "海尔", "request_number": "SR-1"})
    assert text == "【海尔】您好，您的服务请求已受理，单号SR-1。客服将尽快与您联系。"
