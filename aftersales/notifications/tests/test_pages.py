"""The notification pages: who may open which, the template editor and its preview, the
outbox, and retry / cancel from the request page."""

import pytest
from django.urls import reverse

from aftersales.notifications import services
from aftersales.notifications.models import (
    Channel,
    DeliveryEvent,
    Event,
    MessageTemplate,
    OutboundMessage,
    Status,
)
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory


@pytest.fixture
def template(db):
    return MessageTemplate.objects.get(
        event=Event.REQUEST_RECEIVED, channel=Channel.EMAIL, language="zh-hans"
    )


@pytest.fixture
def failed(sr, memory, manager):
    """A message to the request's customer that gave up."""
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr, channel=Channel.SMS)
    memory.fail = "permanent"
    services.deliver(message.pk)
    memory.fail = None
    message.refresh_from_db()
    return message


ROLES = {
    # role: (template pages, manager pages)
    "admin": (200, 200),
    "manager": (200, 200),
    "agent": (200, 403),
    "dispatcher": (200, 403),
    "technician": (403, 403),
    "partner": (403, 403),
    "customer": (403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(client, users, template, role):
    client.force_login(users[role])
    reads, changes = ROLES[role]
    for url in [
        reverse("notifications:template_list"),
        reverse("notifications:template_edit", args=[template.pk]),
    ]:
        assert client.get(url).status_code == reads, url
    for url in [reverse("notifications:template_create"), reverse("notifications:outbox")]:
        assert client.get(url).status_code == changes, url


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_post_changes(client, users, template, failed, role):
    client.force_login(users[role])
    posts = [
        (reverse("notifications:template_edit", args=[template.pk]), {"body": "x"}),
        (reverse("notifications:template_create"), {}),
        (reverse("notifications:template_preview"), {"body": "x"}),
        (reverse("notifications:message_retry", args=[failed.pk]), {}),
        (reverse("notifications:message_cancel", args=[failed.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    body = template.body
    template.refresh_from_db()
    assert template.body == body
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("notifications:template_list"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_template_list_shows_every_event_by_channel_and_language(client, agent):
    client.force_login(agent)
    body = client.get(reverse("notifications:template_list")).content.decode()
    for event in Event.values:
        assert f'data-event="{event}"' in body
    # Staff events have no SMS text: agents see a dash, not an "add" link.
    assert reverse("notifications:template_create") not in body


def test_a_manager_edits_a_template_and_new_messages_use_it(client, manager, template, sr):
    client.force_login(manager)

    response = client.post(
        reverse("notifications:template_edit", args=[template.pk]),
        {
            "subject": "【{{ service_name }}】已受理 {{ request_number }}",
            "body": "{{ recipient_name }}，您好：单号 {{ request_number }}。",
            "active": "on",
        },
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.updated_by == manager
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    assert message.subject == "【aftersales】已受理 SR-2026-000123"
    assert message.body == "王小明，您好：单号 SR-2026-000123。"


def test_a_template_syntax_error_is_shown_and_not_saved(client, manager, template):
    client.force_login(manager)
    before = template.body

    response = client.post(
        reverse("notifications:template_edit", args=[template.pk]),
        {"subject": "ok", "body": "第一行\n{% if request_number %}没有结束", "active": "on"},
    )

    assert response.status_code == 400
    assert "Template error on line 2" in response.content.decode()
    template.refresh_from_db()
    assert template.body == before


def test_an_email_template_needs_a_subject(client, manager, template):
    client.force_login(manager)
    response = client.post(
        reverse("notifications:template_edit", args=[template.pk]),
        {"subject": "  ", "body": "正文", "active": "on"},
    )
    assert response.status_code == 400
    assert "An email needs a subject." in response.content.decode()


def test_a_manager_adds_a_missing_template(client, manager):
    client.force_login(manager)
    url = reverse("notifications:template_create")
    page = client.get(url + "?event=assigned&channel=sms&language=en").content.decode()
    assert 'value="assigned" selected' in page

    response = client.post(
        url,
        {
            "event": "assigned",
            "channel": "sms",
            "language": "en",
            "subject": "ignored for SMS",
            "body": "{{ request_number }} is yours.",
            "active": "on",
        },
    )

    assert response.status_code == 302
    created = MessageTemplate.objects.get(event="assigned", channel="sms", language="en")
    assert created.subject == ""


def test_a_second_template_for_the_same_slot_is_refused(client, manager, template):
    client.force_login(manager)
    response = client.post(
        reverse("notifications:template_create"),
        {
            "event": template.event,
            "channel": template.channel,
            "language": template.language,
            "subject": "s",
            "body": "b",
        },
    )
    assert response.status_code == 400
    assert MessageTemplate.objects.filter(event=template.event, channel="email").count() == 2


def test_the_live_preview_renders_sample_data_or_the_error(client, manager):
    client.force_login(manager)
    url = reverse("notifications:template_preview")

    ok = client.post(
        url,
        {
            "event": "visit_booked",
            "channel": "email",
            "language": "zh-hans",
            "subject": "预约 {{ request_number }}",
            "body": "{{ technician_name }} {{ visit_window }}",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "预约 SR-2026-000123" in ok
    assert "李师傅 09:00–12:00" in ok

    bad = client.post(
        url, {"event": "visit_booked", "channel": "sms", "body": "{{ x|nosuchfilter }}"}
    ).content.decode()
    assert "data-preview-error" in bad
    assert "Invalid filter" in bad


def test_the_form_page_has_no_inline_script(client, manager, template):
    client.force_login(manager)
    body = client.get(reverse("notifications:template_edit", args=[template.pk])).content.decode()
    assert "<script>" not in body and "onclick" not in body and "oninput" not in body
    assert 'hx-post="/notifications/templates/preview/"' in body
    # The variables the event's caller gives are listed with an example.
    assert "response_due" in body and "e.g. 2026-03-02 17:00" in body


def test_agents_read_a_template_without_a_save_button(client, agent, template):
    client.force_login(agent)
    body = client.get(reverse("notifications:template_edit", args=[template.pk])).content.decode()
    assert "disabled" in body
    assert "hx-post" not in body
    assert ">Save<" not in body


# --- Outbox -------------------------------------------------------------------------------


def test_the_outbox_filters_newest_first(client, manager, failed, sr):
    services.notify(Event.VISIT_BOOKED, request=sr, context={"visit_date": "2026-03-03"})
    client.force_login(manager)
    url = reverse("notifications:outbox")

    rows = client.get(url).context["page_obj"].object_list
    assert [m.event for m in rows] == [Event.VISIT_BOOKED, Event.REQUEST_RECEIVED]
    assert [m.pk for m in client.get(url + "?status=failed").context["page_obj"]] == [failed.pk]
    assert [m.channel for m in client.get(url + "?channel=email").context["page_obj"]] == ["email"]
    assert len(client.get(url + "?event=follow_up").context["page_obj"]) == 0
    assert len(client.get(url + f"?q={sr.number}").context["page_obj"]) == 2
    assert client.get(url + "?status=nonsense").status_code == 200


def test_the_outbox_takes_a_bounded_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    for n in range(30):
        customer = CustomerFactory(email=f"c{n}@example.com")
        services.notify(Event.REQUEST_RECEIVED, request=ServiceRequestFactory(customer=customer))
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:outbox"))
    assert len(response.context["page_obj"]) == 30


# --- The request page's messages ----------------------------------------------------------


def test_a_manager_retries_a_failed_message_and_returns_to_the_request(client, manager, failed):
    client.force_login(manager)
    back = reverse("service:detail", args=[failed.request.number])

    response = client.post(reverse("notifications:message_retry", args=[failed.pk]), {"next": back})

    assert response.status_code == 302 and response.url == back
    failed.refresh_from_db()
    assert failed.status == Status.QUEUED
    assert failed.delivery_events.filter(kind=DeliveryEvent.Kind.RETRY_REQUESTED).exists()


def test_retry_ignores_a_foreign_next_address(client, manager, failed):
    client.force_login(manager)
    response = client.post(
        reverse("notifications:message_retry", args=[failed.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response.url == reverse("service:detail", args=[failed.request.number])


def test_retrying_a_sent_message_says_why_not(client, manager, sr):
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    services.deliver(message.pk)
    client.force_login(manager)

    response = client.post(reverse("notifications:message_retry", args=[message.pk]), follow=True)

    assert "This message was sent already; it is not sent twice." in response.content.decode()
    assert OutboundMessage.objects.get(pk=message.pk).status == Status.SENT


def test_a_manager_cancels_a_queued_message(client, manager, sr):
    [message] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    client.force_login(manager)
    client.post(reverse("notifications:message_cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == Status.CANCELLED


def test_the_admin_checks_template_syntax_and_lists_the_outbox(client, admin_user, template, sr):
    services.notify(Event.REQUEST_RECEIVED, request=sr)
    client.force_login(admin_user)
    url = reverse("admin:notifications_messagetemplate_change", args=[template.pk])
    response = client.post(
        url,
        {
            "event": template.event,
            "channel": template.channel,
            "language": template.language,
            "subject": "s",
            "body": "{% for x in %}",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Template error" in response.content.decode()
    assert client.get(reverse("admin:notifications_outboundmessage_changelist")).status_code == 200
    message = OutboundMessage.objects.get()
    page = client.get(reverse("admin:notifications_outboundmessage_change", args=[message.pk]))
    assert page.status_code == 200
