"""The notifications API: message templates and a ticket's messages, per role."""

import pytest
from rest_framework.test import APIClient

from aftersales.notifications import services
from aftersales.notifications.models import Event, MessageTemplate


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def queued(sr):
    return services.notify(Event.REQUEST_RECEIVED, request=sr)


TEMPLATE_ROLES = {
    # role: (read, write)
    "admin": (200, 200),
    "manager": (200, 200),
    "agent": (200, 403),
    "dispatcher": (200, 403),
    "technician": (403, 403),
    "partner": (403, 403),
    "customer": (403, 403),
}


@pytest.mark.parametrize("role", TEMPLATE_ROLES)
def test_message_templates_per_role(api, users, role):
    api.force_authenticate(users[role])
    reads, writes = TEMPLATE_ROLES[role]
    template = MessageTemplate.objects.get(event="assigned", channel="email", language="en")

    assert api.get("/api/v1/message-templates/").status_code == reads
    response = api.patch(
        f"/api/v1/message-templates/{template.pk}/", {"body": "{{ request_number }} is yours."}
    )
    assert response.status_code == writes
    template.refresh_from_db()
    assert (template.body == "{{ request_number }} is yours.") is (writes == 200)


def test_the_template_list_is_filtered_and_bounded(api, manager, django_assert_max_num_queries):
    api.force_authenticate(manager)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/message-templates/?event=request_received&page_size=100")
    rows = response.json()["results"]
    assert {(r["channel"], r["language"]) for r in rows} == {
        (c, lang) for c in ("email", "sms", "wechat") for lang in ("zh-hans", "en")
    }


def test_a_template_with_a_syntax_error_is_refused_with_the_line(api, manager):
    api.force_authenticate(manager)
    template = MessageTemplate.objects.get(event="assigned", channel="email", language="en")

    response = api.patch(
        f"/api/v1/message-templates/{template.pk}/", {"body": "ok\n{{ request_number|nope }}"}
    )

    assert response.status_code == 400
    assert "Template error on line 2" in response.json()["errors"]["body"][0]


def test_a_manager_creates_a_template_once(api, manager):
    api.force_authenticate(manager)
    data = {"event": "assigned", "channel": "sms", "language": "zh-hans", "body": "新工单"}
    first = api.post("/api/v1/message-templates/", data)
    second = api.post("/api/v1/message-templates/", data)
    assert first.status_code == 201
    assert first.json()["updated_by"] == str(manager)
    assert second.status_code == 400
    assert MessageTemplate.objects.filter(event="assigned", channel="sms").count() == 1


def test_what_a_template_is_for_cannot_be_changed(api, manager):
    api.force_authenticate(manager)
    template = MessageTemplate.objects.get(event="assigned", channel="email", language="en")
    api.patch(f"/api/v1/message-templates/{template.pk}/", {"event": "follow_up"})
    template.refresh_from_db()
    assert template.event == "assigned"


TICKET_ROLES = {
    "admin": 200,
    "manager": 200,
    "agent": 200,
    "dispatcher": 200,
    "technician": 404,  # not their request
    "partner": 404,
    "customer": 404,
}


@pytest.mark.parametrize("role", TICKET_ROLES)
def test_a_tickets_messages_per_role(api, users, sr, queued, role):
    api.force_authenticate(users[role])
    response = api.get(f"/api/v1/tickets/{sr.pk}/messages/")
    assert response.status_code == TICKET_ROLES[role]


def test_the_assigned_technician_reads_the_tickets_messages(api, technician, sr, queued):
    sr.assignee = technician
    sr.save()
    api.force_authenticate(technician)

    [row] = api.get(f"/api/v1/tickets/{sr.pk}/messages/").json()

    assert row["event"] == "request_received"
    assert row["to_address"] == "wang@example.com"
    assert row["recipient"] == "王小明"
    assert row["status"] == "queued"


def test_a_customer_cannot_read_their_own_tickets_message_log(api, customer_user, sr, queued):
    sr.customer = customer_user.customer
    sr.save()
    api.force_authenticate(customer_user)
    response = api.get(f"/api/v1/tickets/{sr.pk}/messages/")
    assert response.status_code == 403


def test_a_tickets_messages_take_a_bounded_number_of_queries(
    api, agent, sr, django_assert_max_num_queries
):
    for n in range(10):
        services.notify(Event.FOLLOW_UP, request=sr, dedupe_key=f"f{n}")
    api.force_authenticate(agent)
    with django_assert_max_num_queries(5):
        response = api.get(f"/api/v1/tickets/{sr.pk}/messages/")
    assert len(response.json()) == 10
