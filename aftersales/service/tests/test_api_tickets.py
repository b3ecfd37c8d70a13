"""Service requests ("tickets") through the JSON API, per role."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.core.models import IdempotencyKey
from aftersales.service import services
from aftersales.service.choices import Status, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.testing.factories import (
    CustomerFactory,
    FaultCodeFactory,
    ServiceRequestFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def api(user):
    """A client that authenticates as `user` with an API token, as integrations do."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def url(ticket, action=""):
    return f"{TICKETS}{ticket.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def world(customer, center, partner_center, other_center, technician):
    """One ticket per kind of visibility."""
    stranger = CustomerFactory(name="李四")
    return {
        "own": ServiceRequestFactory(customer=customer, subject="冰箱不制冷"),
        "center": ServiceRequestFactory(customer=stranger, service_center=center),
        "assigned": ServiceRequestFactory(
            customer=stranger, assignee=technician, status=Status.ASSIGNED
        ),
        "partner": ServiceRequestFactory(customer=stranger, service_center=partner_center),
        "other_partner": ServiceRequestFactory(customer=stranger, service_center=other_center),
    }


ALL = {"own", "center", "assigned", "partner", "other_partner"}
VISIBLE = {
    "admin": ALL,
    "manager": ALL,
    "agent": ALL,
    "dispatcher": ALL,
    "technician": {"center", "assigned"},
    "partner": {"partner"},
    "customer": {"own"},
}


# --- Who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_lists_exactly_the_tickets_it_may_see(users, world, role):
    # when
    response = api(users[role]).get(TICKETS)

    # then
    assert response.status_code == 200
    numbers = {row["number"] for row in response.json()["results"]}
    assert numbers == {world[name].number for name in VISIBLE[role]}
    assert response.json()["count"] == len(VISIBLE[role])


@pytest.mark.parametrize("role", VISIBLE)
def test_a_ticket_out_of_sight_is_not_found_on_every_endpoint(users, world, role):
    hidden = [world[name] for name in ALL - VISIBLE[role]]
    client = api(users[role])
    for ticket in hidden:
        calls = [
            client.get(url(ticket)),
            client.patch(url(ticket), {"subject": "x"}, format="json"),
            client.post(url(ticket, "transition"), {"to": "cancelled", "note": "x"}, format="json"),
            client.get(url(ticket, "transitions")),
            client.get(url(ticket, "timeline")),
            client.post(url(ticket, "comments"), {"body": "hi"}, format="json"),
            client.post(url(ticket, "calls"), {"body": "hi"}, format="json"),
            client.get(url(ticket, "attachments")),
            client.post(url(ticket, "attachments"), {}),
        ]
        # then: no hint that the ticket exists
        assert [c.status_code for c in calls] == [404] * len(calls), ticket.number
        assert ticket.number not in str([c.content for c in calls])
    ticket = world["other_partner"]
    assert ServiceRequest.objects.get(pk=ticket.pk).version == ticket.version
    assert not TimelineEvent.objects.filter(request=ticket).exists()


@pytest.mark.parametrize("role", VISIBLE)
def test_a_visible_ticket_reads_with_the_contract_fields(users, world, role):
    # given
    ticket = world[sorted(VISIBLE[role])[0]]

    # when
    response = api(users[role]).get(url(ticket))

    # then
    assert response.status_code == 200
    data = response.json()
    assert {
        "id",
        "number",
        "customer",
        "unit",
        "channel",
        "kind",
        "subject",
        "description",
        "priority",
        "status",
        "diagnosis",
        "received_at",
        "created_at",
        "resolved_at",
        "closed_at",
        "assignee",
        "version",
    } <= set(data)
    assert data["number"] == ticket.number
    assert ISO_WITH_OFFSET.match(data["received_at"])
    assert ISO_WITH_OFFSET.match(data["created_at"])
    assert response["ETag"] == f'"{ticket.version}"'


def test_unauthenticated_callers_get_401(world):
    assert APIClient().get(TICKETS).status_code == 401
    assert APIClient().get(url(world["own"])).status_code == 401


STAFF_ROLES = ["admin", "manager", "agent", "dispatcher", "technician", "partner"]


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_works_on_the_tickets_it_sees(users, world, role):
    # given
    ticket = world[sorted(VISIBLE[role])[0]]
    client = api(users[role])
    staff = role in STAFF_ROLES

    # when
    responses = {
        "timeline": client.get(url(ticket, "timeline")).status_code,
        "transitions": client.get(url(ticket, "transitions")).status_code,
        "attachments": client.get(url(ticket, "attachments")).status_code,
        "message": client.post(
            url(ticket, "comments"), {"body": "您好", "visibility": "public"}, format="json"
        ).status_code,
        "note": client.post(
            url(ticket, "comments"), {"body": "内部", "visibility": "internal"}, format="json"
        ).status_code,
        "call": client.post(url(ticket, "calls"), {"body": "来电"}, format="json").status_code,
    }

    # then
    assert responses == {
        "timeline": 200,
        "transitions": 200,
        "attachments": 200,
        "message": 201,
        "note": 201 if staff else 403,
        "call": 201 if staff else 403,
    }


def test_a_technician_handing_a_ticket_back_gets_the_result(technician, world):
    # given: assigned to the technician, not in their center's queue
    ticket = world["assigned"]

    # when
    response = api(technician).post(url(ticket, "transition"), {"to": "triaged"}, format="json")

    # then: the answer shows the move, and the ticket has left their sight
    assert response.status_code == 200
    assert response.json()["status"] == "triaged"
    assert response.json()["assignee"] is None
    assert api(technician).get(url(ticket)).status_code == 404


# --- Lists: filters, sorting, pages, queries -------------------------------------------


def test_the_list_filters_like_the_queue(agent, world, technician):
    client = api(agent)

    mine = client.get(TICKETS, {"assignee": technician.pk}).json()["results"]
    assert [row["number"] for row in mine] == [world["assigned"].number]

    statuses = client.get(TICKETS, {"status": ["assigned", "triaged"]}).json()["results"]
    assert [row["number"] for row in statuses] == [world["assigned"].number]

    by_number = client.get(TICKETS, {"q": world["own"].number}).json()["results"]
    assert [row["number"] for row in by_number] == [world["own"].number]

    by_customer = client.get(TICKETS, {"customer": world["own"].customer_id}).json()
    assert by_customer["count"] == 1


def test_an_invalid_filter_value_is_a_clear_400(agent, world):
    response = api(agent).get(TICKETS, {"status": "nonsense"})

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_the_list_sorts_by_the_queue_keys(agent, customer):
    # given
    now = timezone.now()
    low = ServiceRequestFactory(customer=customer, priority="low", received_at=now)
    urgent = ServiceRequestFactory(
        customer=customer, priority="urgent", received_at=now - timedelta(hours=1)
    )
    client = api(agent)

    # when
    by_priority = client.get(TICKETS, {"sort": "-priority"}).json()["results"]
    oldest_first = client.get(TICKETS, {"sort": "received"}).json()["results"]
    newest_first = client.get(TICKETS).json()["results"]

    # then
    assert [r["id"] for r in by_priority] == [urgent.pk, low.pk]
    assert [r["id"] for r in oldest_first] == [urgent.pk, low.pk]
    assert [r["id"] for r in newest_first] == [low.pk, urgent.pk]


def test_an_unknown_sort_key_says_which_exist(agent, world):
    response = api(agent).get(TICKETS, {"sort": "colour"})

    assert response.status_code == 400
    assert "-received" in response.json()["detail"]


def test_the_list_is_paginated(agent, customer):
    ServiceRequestFactory.create_batch(7, customer=customer)

    page = api(agent).get(TICKETS, {"page_size": 5, "page": 2}).json()

    assert page["count"] == 7
    assert len(page["results"]) == 2
    assert page["previous"]


def _many_tickets(count, technician, center):
    codes = FaultCodeFactory.create_batch(2)
    for _ in range(count):
        unit = UnitFactory()
        ticket = ServiceRequestFactory(
            customer=unit.customer, unit=unit, assignee=technician, service_center=center
        )
        ticket.fault_codes.set(codes)


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_the_list_needs_the_same_few_queries_for_any_page_size(
    users, technician, center, role, django_assert_max_num_queries
):
    # given
    _many_tickets(25, technician, center)
    client = APIClient()
    client.force_authenticate(users[role])

    # when / then
    for size in (1, 25):
        with django_assert_max_num_queries(4):
            response = client.get(TICKETS, {"page_size": size})
        assert len(response.json()["results"]) == size


# --- Create, with idempotency ----------------------------------------------------------


def test_an_agent_opens_a_ticket_with_api_as_the_default_channel(agent, customer):
    # given
    unit = UnitFactory(customer=customer)
    received = timezone.now() - timedelta(hours=2)
    body = {
        "customer": customer.pk,
        "unit": unit.pk,
        "subject": "洗衣机漏水",
        "description": "底部漏水",
        "priority": "high",
        "received_at": received.isoformat(),
    }

    # when
    response = api(agent).post(TICKETS, body, format="json")

    # then
    assert response.status_code == 201
    data = response.json()
    assert data["number"].startswith("SR-")
    assert data["channel"] == "api"
    assert data["status"] == "new"
    assert data["unit"] == unit.pk
    assert data["priority"] == "high"
    ticket = ServiceRequest.objects.get(pk=data["id"])
    assert ticket.received_at == received.replace(microsecond=ticket.received_at.microsecond)
    assert ticket.created_by == agent
    assert response["Location"].endswith(url(ticket))
    assert ticket.events.filter(kind="created").count() == 1


def test_a_ticket_needs_a_subject_and_a_customer(agent):
    response = api(agent).post(TICKETS, {}, format="json")

    assert response.status_code == 400
    assert {"subject", "customer"} <= set(response.json()["errors"])
    assert not ServiceRequest.objects.exists()


def test_a_unit_of_another_customer_is_refused_with_the_reason(agent, customer):
    # given
    foreign = UnitFactory()

    # when
    response = api(agent).post(
        TICKETS, {"customer": customer.pk, "unit": foreign.pk, "subject": "x"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert "belongs to another customer" in response.json()["errors"]["unit"][0]
    assert not ServiceRequest.objects.exists()


def test_a_received_time_in_the_future_is_refused(agent, customer):
    later = (timezone.now() + timedelta(days=1)).isoformat()

    response = api(agent).post(
        TICKETS, {"customer": customer.pk, "subject": "x", "received_at": later}, format="json"
    )

    assert response.status_code == 400
    assert "received_at" in response.json()["errors"]


def test_the_same_idempotency_key_returns_the_same_ticket(agent, customer):
    # given
    client = api(agent)
    body = {"customer": customer.pk, "subject": "电视黑屏"}
    headers = {"HTTP_IDEMPOTENCY_KEY": "crm-4711"}

    # when
    first = client.post(TICKETS, body, format="json", **headers)
    retry = client.post(TICKETS, body, format="json", **headers)

    # then
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["number"] == first.json()["number"]
    assert ServiceRequest.objects.count() == 1
    assert TimelineEvent.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(agent, customer):
    # given
    client = api(agent)
    headers = {"HTTP_IDEMPOTENCY_KEY": "crm-4712"}
    client.post(TICKETS, {"customer": customer.pk, "subject": "电视黑屏"}, format="json", **headers)

    # when
    response = client.post(
        TICKETS, {"customer": customer.pk, "subject": "空调漏水"}, format="json", **headers
    )

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["detail"]
    assert ServiceRequest.objects.count() == 1


def test_a_refused_create_does_not_use_up_the_key(agent, customer):
    # given
    client = api(agent)
    headers = {"HTTP_IDEMPOTENCY_KEY": "crm-4713"}
    client.post(TICKETS, {"customer": customer.pk}, format="json", **headers)

    # when: the client fixes the body and retries with the same key
    response = client.post(
        TICKETS, {"customer": customer.pk, "subject": "修好"}, format="json", **headers
    )

    # then
    assert response.status_code == 201
    assert ServiceRequest.objects.count() == 1


def test_keys_are_per_user(agent, dispatcher, customer):
    body = {"customer": customer.pk, "subject": "电视黑屏"}

    api(agent).post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    api(dispatcher).post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert ServiceRequest.objects.count() == 2


def test_an_overlong_key_is_refused(agent, customer):
    response = api(agent).post(
        TICKETS,
        {"customer": customer.pk, "subject": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 300,
    )

    assert response.status_code == 400
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_ticket(agent, customer):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot serve concurrent connections.")
    # given: a client that sends the same request several times at once
    token = issue_token(agent)
    body = {"customer": customer.pk, "subject": "同时重试"}
    statuses = []
    start = threading.Barrier(4)

    def send():
        try:
            start.wait(10)
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            response = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="burst")
            statuses.append(response.status_code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(statuses) == [200, 200, 200, 201]
    assert ServiceRequest.objects.count() == 1


def test_a_customer_opens_tickets_only_for_themselves(customer_user, customer):
    # given
    stranger = CustomerFactory()
    unit = UnitFactory(customer=customer)

    # when
    response = api(customer_user).post(
        TICKETS,
        {"customer": stranger.pk, "unit": unit.pk, "subject": "烤箱不加热", "priority": "urgent"},
        format="json",
    )

    # then
    assert response.status_code == 201
    ticket = ServiceRequest.objects.get()
    assert ticket.customer == customer
    assert ticket.unit == unit
    assert ticket.priority == "normal"  # customers do not prioritise their own requests
    assert ticket.channel == "api"


def test_a_customer_cannot_name_a_unit_they_do_not_own(customer_user):
    foreign = UnitFactory()

    response = api(customer_user).post(TICKETS, {"unit": foreign.pk, "subject": "x"}, format="json")

    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("role", ["technician", "partner"])
def test_field_roles_cannot_open_tickets(users, world, role):
    ticket = world["center" if role == "technician" else "partner"]

    response = api(users[role]).post(
        TICKETS, {"customer": ticket.customer_id, "subject": "x"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"]
    assert ServiceRequest.objects.count() == len(world)


# --- Edit, with optimistic locking -----------------------------------------------------


def test_an_agent_edits_a_ticket_and_the_version_moves_on(agent, world):
    # given
    ticket = world["own"]

    # when
    response = api(agent).patch(
        url(ticket), {"priority": "urgent", "diagnosis": "hardware"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["priority"] == "urgent"
    assert response.json()["version"] == ticket.version + 1
    assert response["ETag"] == f'"{ticket.version + 1}"'
    event = ticket.events.get(kind="fields")
    assert set(event.data["changes"]) == {"priority", "diagnosis"}


def test_a_stale_if_match_is_a_conflict_and_changes_nothing(agent, world, row_of):
    # given: someone else saved after we read version 1
    ticket = world["own"]
    services.update_request(ticket, actor=agent, subject="别人改了")
    before = row_of(ticket)

    # when
    response = api(agent).patch(
        url(ticket), {"priority": "urgent"}, format="json", HTTP_IF_MATCH='"1"'
    )

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert ticket.number in response.json()["detail"]
    assert row_of(ticket) == before


def test_a_stale_version_field_is_a_conflict(agent, world):
    ticket = world["own"]
    services.update_request(ticket, actor=agent, subject="别人改了")

    response = api(agent).patch(url(ticket), {"priority": "urgent", "version": 1}, format="json")

    assert response.status_code == 409


def test_the_current_version_is_accepted(agent, world):
    ticket = world["own"]
    client = api(agent)
    etag = client.get(url(ticket))["ETag"]

    response = client.patch(url(ticket), {"priority": "low"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["priority"] == "low"


def test_a_malformed_if_match_is_a_400(agent, world):
    response = api(agent).patch(
        url(world["own"]), {"priority": "low"}, format="json", HTTP_IF_MATCH="yesterday"
    )

    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_the_status_cannot_be_changed_by_editing(agent, world, row_of):
    ticket = world["own"]
    before = row_of(ticket)

    response = api(agent).patch(url(ticket), {"status": "closed"}, format="json")

    assert response.status_code == 400
    assert "transition" in response.json()["detail"]
    assert row_of(ticket) == before


def test_sending_back_the_current_status_is_harmless(agent, world):
    response = api(agent).patch(
        url(world["own"]), {"status": "new", "subject": "新标题"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["subject"] == "新标题"


def test_a_technician_may_diagnose_but_not_reprioritise(technician, world, row_of):
    ticket = world["assigned"]
    client = api(technician)
    before = row_of(ticket)

    refused = client.patch(url(ticket), {"priority": "urgent"}, format="json")
    assert refused.status_code == 403
    assert "priority" in refused.json()["detail"].lower()
    assert row_of(ticket) == before

    allowed = client.patch(url(ticket), {"diagnosis": "software"}, format="json")
    assert allowed.status_code == 200
    assert allowed.json()["diagnosis"] == "software"


def test_a_customer_may_read_but_not_edit_their_ticket(customer_user, world, row_of):
    ticket = world["own"]
    before = row_of(ticket)

    response = api(customer_user).patch(url(ticket), {"subject": "改标题"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"]
    assert row_of(ticket) == before


def test_fault_codes_are_set_by_id(agent, world):
    codes = FaultCodeFactory.create_batch(2)
    ticket = world["own"]

    response = api(agent).patch(url(ticket), {"fault_codes": [c.pk for c in codes]}, format="json")

    assert response.status_code == 200
    assert sorted(response.json()["fault_codes"]) == sorted(c.pk for c in codes)


# --- Workflow --------------------------------------------------------------------------


def test_a_ticket_goes_from_new_to_closed_through_the_api(agent, technician, world):
    # given
    ticket = world["own"]
    client = api(agent)

    # when
    steps = [
        {"to": "triaged"},
        {"to": "assigned", "assignee": technician.pk},
        {"to": "in_progress"},
        {"to": "resolved", "resolution_type": "onsite", "resolution_summary": "更换压缩机"},
        {"to": "closed", "note": "客户确认"},
    ]
    responses = [client.post(url(ticket, "transition"), step, format="json") for step in steps]

    # then
    assert [r.status_code for r in responses] == [200] * len(steps)
    final = responses[-1].json()
    assert final["status"] == "closed"
    assert final["assignee"] == technician.pk
    assert final["resolution_type"] == "onsite"
    assert ISO_WITH_OFFSET.match(final["resolved_at"])
    assert ISO_WITH_OFFSET.match(final["closed_at"])
    timeline = client.get(url(ticket, "timeline")).json()["results"]
    moves = [(e["data"]["from"], e["data"]["to"]) for e in timeline if e["kind"] == "status"]
    assert moves == [
        ("new", "triaged"),
        ("triaged", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]


def test_an_illegal_move_is_refused_with_the_allowed_ones_and_nothing_changes(agent, world, row_of):
    # given
    ticket = world["own"]
    before = row_of(ticket)

    # when
    response = api(agent).post(url(ticket, "transition"), {"to": "closed"}, format="json")

    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "cannot become Closed" in body["detail"]
    assert "Triaged" in body["detail"]
    assert row_of(ticket) == before


def test_an_unknown_status_is_named_in_the_error(agent, world):
    response = api(agent).post(url(world["own"], "transition"), {"to": "done"}, format="json")

    assert response.status_code == 400
    assert "done is not a status" in response.json()["detail"]


def test_resolving_needs_the_resolution(agent, technician, world, row_of):
    ticket = world["assigned"]
    before = row_of(ticket)

    response = api(agent).post(url(ticket, "transition"), {"to": "resolved"}, format="json")

    assert response.status_code == 400
    assert "resolution_type" in response.json()["errors"]
    assert row_of(ticket) == before


def test_cancelling_needs_a_reason(agent, world):
    response = api(agent).post(url(world["own"], "transition"), {"to": "cancelled"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["note"]


def test_a_stale_version_on_a_move_is_a_conflict(agent, world, row_of):
    ticket = world["own"]
    services.update_request(ticket, actor=agent, subject="别人改了")
    before = row_of(ticket)

    response = api(agent).post(
        url(ticket, "transition"), {"to": "triaged"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 409
    assert row_of(ticket) == before


def test_a_customer_may_cancel_their_ticket_while_it_is_new(customer_user, world):
    ticket = world["own"]

    response = api(customer_user).post(
        url(ticket, "transition"), {"to": "cancelled", "note": "已自行解决"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "已自行解决"


def test_a_customer_may_not_cancel_once_work_started_or_move_it_otherwise(
    agent, customer_user, world, row_of
):
    ticket = world["own"]
    client = api(customer_user)

    triage = client.post(url(ticket, "transition"), {"to": "triaged"}, format="json")
    assert triage.status_code == 403

    services.transition(ticket, actor=agent, to="triaged")
    before = row_of(ticket)
    cancel = client.post(url(ticket, "transition"), {"to": "cancelled", "note": "x"}, format="json")
    assert cancel.status_code == 403
    assert "may not" in cancel.json()["detail"]
    assert row_of(ticket) == before


def test_the_available_moves_depend_on_the_caller(agent, customer_user, world):
    ticket = world["own"]

    for_agent = api(agent).get(url(ticket, "transitions")).json()
    for_customer = api(customer_user).get(url(ticket, "transitions")).json()

    assert {m["to"] for m in for_agent} == {
        "triaged",
        "assigned",
        "in_progress",
        "resolved",
        "cancelled",
    }
    assert for_customer == [
        {
            "to": "cancelled",
            "label": "Cancel request",
            "needs_assignee": False,
            "needs_resolution": False,
            "needs_reason": True,
        }
    ]


# --- Timeline, comments, calls ---------------------------------------------------------


def test_the_timeline_hides_internal_notes_from_the_customer(agent, customer_user, world):
    # given
    ticket = world["own"]
    client = api(agent)
    client.post(url(ticket, "comments"), {"body": "客户脾气急"}, format="json")
    client.post(
        url(ticket, "comments"), {"body": "师傅明天上门", "visibility": "public"}, format="json"
    )
    client.post(url(ticket, "calls"), {"body": "回访电话", "direction": "outbound"}, format="json")

    # when
    for_staff = client.get(url(ticket, "timeline")).json()["results"]
    for_customer = api(customer_user).get(url(ticket, "timeline")).json()["results"]

    # then
    assert [e["body"] for e in for_staff if e["kind"] in ("comment", "call")] == [
        "客户脾气急",
        "师傅明天上门",
        "回访电话",
    ]
    assert [e["body"] for e in for_customer if e["kind"] == "comment"] == ["师傅明天上门"]
    assert all(e["visibility"] == "public" for e in for_customer)
    assert "回访电话" not in str(for_customer)


def test_a_staff_comment_is_an_internal_note_unless_said_otherwise(agent, world):
    response = api(agent).post(url(world["own"], "comments"), {"body": "备注"}, format="json")

    assert response.status_code == 201
    assert response.json()["visibility"] == "internal"
    assert response.json()["actor"] == agent.pk
    assert ISO_WITH_OFFSET.match(response.json()["created_at"])


def test_a_customer_comments_publicly_but_cannot_write_internal_notes(customer_user, world):
    ticket = world["own"]
    client = api(customer_user)

    public = client.post(url(ticket, "comments"), {"body": "什么时候上门?"}, format="json")
    internal = client.post(
        url(ticket, "comments"), {"body": "x", "visibility": "internal"}, format="json"
    )

    assert public.status_code == 201
    assert public.json()["visibility"] == "public"
    assert internal.status_code == 403
    assert ticket.events.filter(kind="message").count() == 1


def test_an_empty_comment_is_refused(agent, world):
    response = api(agent).post(url(world["own"], "comments"), {"body": "  "}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["body"]


def test_an_agent_logs_a_call_and_a_customer_may_not(agent, customer_user, world):
    ticket = world["own"]

    logged = api(agent).post(
        url(ticket, "calls"),
        {"body": "客户来电催促", "direction": "inbound", "duration_minutes": 3},
        format="json",
    )
    refused = api(customer_user).post(url(ticket, "calls"), {"body": "x"}, format="json")

    assert logged.status_code == 201
    assert logged.json()["kind"] == "call"
    assert logged.json()["data"] == {"direction": "inbound", "duration_minutes": 3}
    assert refused.status_code == 403


def test_a_negative_call_duration_is_refused(agent, world):
    response = api(agent).post(
        url(world["own"], "calls"), {"body": "x", "duration_minutes": -1}, format="json"
    )

    assert response.status_code == 400
    assert "duration_minutes" in response.json()["errors"]


def test_the_timeline_is_read_in_few_queries(agent, world, django_assert_max_num_queries):
    ticket = world["own"]
    for n in range(20):
        services.add_comment(ticket, actor=agent, body=f"note {n}")
    client = APIClient()
    client.force_authenticate(agent)

    with django_assert_max_num_queries(4):
        response = client.get(url(ticket, "timeline"), {"page_size": 100})

    assert response.json()["count"] == 20


# --- Attachments -----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_photo_is_attached_and_downloadable(agent, world):
    # given
    ticket = world["own"]
    client = api(agent)

    # when
    response = client.post(
        url(ticket, "attachments"), {"file": upload("故障.png", PNG)}, format="multipart"
    )

    # then
    assert response.status_code == 201
    data = response.json()
    assert data["name"] == "故障.png"
    assert data["content_type"] == "image/png"
    assert data["size"] == len(PNG)
    assert data["visibility"] == "internal"
    download = client.get(data["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    assert ticket.events.filter(kind="attachment").count() == 1


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(agent, world):
    ticket = world["own"]

    response = api(agent).post(
        url(ticket, "attachments"),
        {"file": upload("invoice.pdf", b"MZ\x90\x00 not a pdf at all \x00\x01")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] in ("file_type", "file_type_mismatch")
    assert "invoice.pdf" in response.json()["detail"]
    assert not ticket.attachments.exists()
    assert not ticket.events.filter(kind="attachment").exists()


def test_a_file_over_the_size_limit_is_refused(agent, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    ticket = world["own"]

    response = api(agent).post(
        url(ticket, "attachments"), {"file": upload("big.png", PNG)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert "limit" in response.json()["detail"]
    assert not ticket.attachments.exists()


def test_an_upload_without_a_file_names_the_missing_field(agent, world):
    response = api(agent).post(url(world["own"], "attachments"), {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_customer_sees_only_public_attachments(agent, customer_user, world):
    # given
    ticket = world["own"]
    staff = api(agent)
    internal = staff.post(
        url(ticket, "attachments"), {"file": upload("内部.png", PNG)}, format="multipart"
    ).json()
    public = staff.post(
        url(ticket, "attachments"),
        {"file": upload("发票.png", PNG), "visibility": "public"},
        format="multipart",
    ).json()
    client = api(customer_user)

    # when
    listed = client.get(url(ticket, "attachments")).json()

    # then
    assert [a["name"] for a in listed] == ["发票.png"]
    assert client.get(public["url"]).status_code == 200
    assert client.get(internal["url"]).status_code == 404


def test_a_customer_attaches_a_public_photo(customer_user, world):
    response = api(customer_user).post(
        url(world["own"], "attachments"), {"file": upload("photo.png", PNG)}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["visibility"] == Visibility.PUBLIC


def test_attachments_of_a_hidden_ticket_cannot_be_downloaded(agent, partner, world):
    ticket = world["own"]
    attachment = (
        api(agent)
        .post(
            url(ticket, "attachments"),
            {"file": upload("a.png", PNG), "visibility": "public"},
            format="multipart",
        )
        .json()
    )

    response = api(partner).get(attachment["url"])

    assert response.status_code == 404


# --- Partner staff ---------------------------------------------------------------------


def test_partner_staff_assign_only_their_own_people(partner, partner_center, world):
    ticket = world["partner"]
    colleague = UserFactory(role="technician", service_center=partner_center)
    outsider = UserFactory(role="technician")
    client = api(partner)

    refused = client.patch(url(ticket), {"assignee": outsider.pk}, format="json")
    allowed = client.patch(url(ticket), {"assignee": colleague.pk}, format="json")

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert allowed.json()["assignee"] == colleague.pk
