"""Opening a ticket through the API stays cheap: what it answers is what DRF would have
written, and it costs a bounded number of queries (the benchmark `api_create.py` measures
the time; this keeps the work from creeping back)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.notifications.models import OutboundMessage
from aftersales.service.api.serializers import TicketSerializer, lean_ticket_input
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import (
    FaultCodeFactory,
    ServiceRequestFactory,
    UnitFactory,
)
from aftersales.testing.seeds import ensure_seeded

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"


def drf_would_write(ticket) -> dict:
    """DRF's own rendering of the ticket (fields copied and bound for this call)."""
    return serializers.ModelSerializer.to_representation(TicketSerializer(ticket), ticket)


def test_a_ticket_is_written_as_drf_writes_it(customer, technician):
    # given a ticket with every kind of field filled: relations, many-to-many, times,
    # choices, flags, JSON, and a property
    now = timezone.now()
    ticket = ServiceRequestFactory(
        customer=customer,
        unit=UnitFactory(customer=customer, serial_number="SN-1"),
        assignee=technician,
        status=Status.ASSIGNED,
        response_due_at=now + datetime.timedelta(hours=4),
        first_response_at=now,
        response_met=True,
        sla={"policy": "标准", "response_minutes": 240},
    )
    ticket.fault_codes.set([FaultCodeFactory(), FaultCodeFactory()])
    ticket = (
        ServiceRequest.objects.select_related("customer", "unit", "assignee")
        .prefetch_related("fault_codes")
        .get(pk=ticket.pk)
    )

    # when / then: the same keys, in the same order, with the same values
    written = TicketSerializer(ticket).data
    expected = drf_would_write(ticket)
    assert list(written) == list(expected)
    assert written == expected
    assert written["assignee_name"] == str(technician)
    assert len(written["fault_codes"]) == 2

    # and a list writes each ticket the same way
    [listed] = TicketSerializer([ticket], many=True).data
    assert listed == expected


def test_opening_a_ticket_costs_a_bounded_number_of_queries(
    agent, customer, django_assert_max_num_queries
):
    ensure_seeded("notifications")
    unit = UnitFactory(customer=customer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(agent)}")
    body = {"customer": customer.pk, "unit": unit.pk, "subject": "空调不制冷"}
    client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="warm-up")

    # token, idempotency key (claim and object), unit with its product and customer, the
    # warranty decision's reads, the SLA configuration's version, the number, the request,
    # its two timeline events (one INSERT), the message template, the queued message, and
    # the savepoints around them (here inside the test's transaction; 24 on SQLite, 22 on
    # PostgreSQL, whose number is one statement)
    with django_assert_max_num_queries(24):
        response = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 201
    ticket = ServiceRequest.objects.get(pk=response.json()["id"])
    assert response.json() == drf_would_write(ticket)
    assert response.json()["fault_codes"] == []
    # the customer is told, and the timeline has the creation
    assert OutboundMessage.objects.filter(request=ticket, event="request_received").exists()
    assert ticket.events.filter(kind="created").exists()


def drf_validated(body, user):
    from rest_framework.test import APIRequestFactory

    from aftersales.service.api.serializers import TicketCreateSerializer

    request = APIRequestFactory().post(TICKETS)
    request.user = user
    serializer = TicketCreateSerializer(data=body, context={"request": request})
    return dict(serializer.validated_data) if serializer.is_valid() else None


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "空调不制冷"},
        {"subject": "  空调不制冷  ", "description": "", "priority": "high"},
        {"subject": "电视黑屏", "unit": "own", "kind": "repair", "needs_visit": True},
        {"subject": "电视黑屏", "unit": None, "channel": "phone", "description": " 有异响 "},
        {"subject": "洗衣机漏水", "unit": "other", "priority": "urgent"},
        {"subject": "x" * 200},
    ],
)
def test_the_lean_input_reads_a_usual_body_as_the_serializer_does(body, agent, customer):
    own, other = UnitFactory(customer=customer), UnitFactory()
    body = {"customer": customer.pk, **body}
    if body.get("unit") in ("own", "other"):
        body["unit"] = (own if body["unit"] == "own" else other).pk

    lean = lean_ticket_input(body, agent)

    expected = drf_validated(body, agent)
    assert lean is not None
    assert lean == expected
    assert {k: type(v) for k, v in lean.items()} == {k: type(v) for k, v in expected.items()}


@pytest.mark.parametrize(
    "body",
    [
        {"subject": ""},
        {"subject": "   "},
        {"subject": "x" * 201},
        {"subject": 42},
        {"subject": "a\x00b"},
        {"subject": "a\ud800b"},
        {"subject": "好", "priority": "whenever"},
        {"subject": "好", "needs_visit": "yes"},
        {"subject": "好", "received_at": "2026-01-01T00:00:00+08:00"},
        {"subject": "好", "fault_codes": []},
        {"subject": "好", "unit": 999999},
        {"subject": "好", "unit": True},
        {"customer": 999999, "subject": "好"},
        {"customer": "1", "subject": "好"},
        {"customer": None, "subject": "好"},
        {"description": "no subject"},
    ],
)
def test_anything_else_is_left_to_the_serializer(body, agent, customer):
    body = {"customer": customer.pk, **body}

    assert lean_ticket_input(body, agent) is None


def test_the_lean_input_shows_a_customer_only_their_own(customer_user, customer):
    # given a customer's login and a unit of someone else
    from aftersales.testing.factories import CustomerFactory

    stranger = CustomerFactory()
    theirs = UnitFactory(customer=stranger)
    mine = UnitFactory(customer=customer)

    # then their own unit is read, another's is left to the serializer (which refuses it),
    # and so is another customer
    assert lean_ticket_input(
        {"customer": customer.pk, "unit": mine.pk, "subject": "好"}, customer_user
    ) == {"channel": "api", "subject": "好", "unit": mine, "customer": customer}
    assert (
        lean_ticket_input(
            {"customer": customer.pk, "unit": theirs.pk, "subject": "好"}, customer_user
        )
        is None
    )
    assert lean_ticket_input({"customer": stranger.pk, "subject": "好"}, customer_user) is None
