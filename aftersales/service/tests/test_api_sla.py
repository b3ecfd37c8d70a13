"""The service-level fields of tickets over the API, and the at-risk and overdue filters."""

import datetime
import zoneinfo

import time_machine
from rest_framework.test import APIClient

from aftersales.service.choices import Status
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
BASE = "/api/v1/tickets/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_email_logged_later_is_timed_from_when_it_came_in(agent):
    # given a Beijing customer whose email came in on Tuesday 10 March 2026 at 10:00
    customer = CustomerFactory(city="北京")
    payload = {
        "customer": customer.pk,
        "subject": "洗衣机不排水",
        "channel": "email",
        "priority": "high",
        "needs_visit": True,
        "received_at": "2026-03-10T10:00:00+08:00",
    }

    # when it is logged in the afternoon
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=SH), tick=False):
        response = api(agent).post(BASE, payload, format="json")

    # then every deadline counts from 10:00
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["response_due_at"] == "2026-03-10T12:00:00+08:00"
    assert ticket["resolution_due_at"] == "2026-03-12T10:00:00+08:00"
    assert ticket["onsite_due_at"] == "2026-03-11T10:00:00+08:00"  # 24 h in a tier-1 city
    assert ticket["needs_visit"] is True
    assert ticket["first_response_at"] is None
    assert (ticket["response_met"], ticket["resolution_met"]) == (None, None)
    assert ticket["sla"]["tier"] == "tier1"
    assert ticket["sla"]["policy"]["name"]


def test_at_risk_and_overdue_filters(agent, customer):
    now = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=SH)
    hour = datetime.timedelta(hours=1)
    common = {"customer": customer, "status": Status.ASSIGNED, "first_response_at": now - hour}
    fine = ServiceRequestFactory(
        **common, resolution_warn_at=now + hour, resolution_due_at=now + 2 * hour
    )
    risky = ServiceRequestFactory(
        **common, resolution_warn_at=now - hour, resolution_due_at=now + hour
    )
    late = ServiceRequestFactory(
        **common, resolution_warn_at=now - 3 * hour, resolution_due_at=now - hour
    )
    paused = ServiceRequestFactory(
        **common, resolution_warn_at=now - 3 * hour, resolution_due_at=now - hour,
        paused_at=now - 2 * hour,
    )  # fmt: skip

    def numbers(query):
        with time_machine.travel(now, tick=False):
            body = api(agent).get(BASE + query).json()
        return {row["number"] for row in body["results"]}

    assert numbers("?at_risk=true") == {risky.number}
    assert numbers("?overdue=true") == {late.number}
    assert numbers("?overdue=false&at_risk=false") == {fine.number, paused.number}


def test_the_clock_fields_are_the_systems_not_the_callers(agent, customer):
    ticket = ServiceRequestFactory(customer=customer)
    due = ticket.resolution_due_at
    response = api(agent).patch(
        f"{BASE}{ticket.pk}/",
        {"resolution_due_at": "2030-01-01T00:00:00+08:00", "resolution_met": True},
        format="json",
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.resolution_due_at, ticket.resolution_met) == (due, None)
