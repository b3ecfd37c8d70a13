"""The request queue's filters and sort orders, shared by the web UI and the API."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from aftersales.service.choices import Status
from aftersales.service.filters import SORTS, ServiceRequestFilter, sort_requests
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import (
    CustomerFactory,
    ServiceRequestFactory,
    TeamFactory,
    UnitFactory,
)

H = datetime.timedelta(hours=1)


@pytest.fixture
def queue(agent, technician, center, customer):
    """Four requests a dispatcher would tell apart at a glance."""
    now = timezone.now()
    team = TeamFactory(name="空调组")
    fridge = UnitFactory(customer=customer, serial_number="BCD-539WKPZM-001")
    return {
        "fridge": ServiceRequestFactory(
            number="SR-2026-000001",
            customer=customer,
            unit=fridge,
            subject="冰箱不制冷",
            priority="urgent",
            status=Status.IN_PROGRESS,
            assignee=agent,
            channel="phone",
            kind="repair",
            received_at=now - 30 * H,
            resolution_due_at=now - 22 * H,  # overdue
        ),
        "washer": ServiceRequestFactory(
            number="SR-2026-000002",
            customer=CustomerFactory(name="李四", phone="(010) 6552-9988"),
            subject="洗衣机安装",
            priority="low",
            status=Status.NEW,
            channel="wechat",
            kind="installation",
            team=team,
            received_at=now - 2 * H,
            resolution_due_at=now + 166 * H,
        ),
        "aircon": ServiceRequestFactory(
            number="SR-2026-000003",
            customer=CustomerFactory(name="张三"),
            subject="空调漏水",
            priority="high",
            status=Status.WAITING_PARTS,
            assignee=technician,
            service_center=center,
            channel="portal",
            kind="repair",
            received_at=now - 1 * H,
            resolution_due_at=now + 23 * H,
        ),
        "done": ServiceRequestFactory(
            number="SR-2025-000099",
            customer=CustomerFactory(name="赵六"),
            subject="电视咨询",
            priority="normal",
            status=Status.CLOSED,
            assignee=agent,
            channel="email",
            kind="consultation",
            received_at=now - 400 * H,
            created_at=now - 400 * H,
            resolution_due_at=now - 300 * H,  # late, but finished: not overdue
        ),
    }


def filtered(data, user=None):
    request = RequestFactory().get("/")
    request.user = user
    filterset = ServiceRequestFilter(data, queryset=ServiceRequest.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"fridge", "washer", "aircon", "done"}),
        ({"status": ["new"]}, {"washer"}),
        ({"status": ["new", "waiting_parts"]}, {"washer", "aircon"}),
        ({"open": "true"}, {"fridge", "washer", "aircon"}),
        ({"open": "false"}, {"done"}),
        ({"priority": ["urgent", "high"]}, {"fridge", "aircon"}),
        ({"channel": ["wechat"]}, {"washer"}),
        ({"kind": ["repair"]}, {"fridge", "aircon"}),
        ({"assignee": "none"}, {"washer"}),
        ({"assignee": "nobody"}, set()),
        ({"overdue": "true"}, {"fridge"}),
        ({"overdue": "false"}, {"washer", "aircon", "done"}),
        ({"q": "SR-2026"}, {"fridge", "washer", "aircon"}),
        ({"q": "sr-2025-000099"}, {"done"}),
        ({"q": "漏水"}, {"aircon"}),
        ({"q": "李四"}, {"washer"}),
        ({"q": " bcd-539wkpzm-001 "}, {"fridge"}),
        ({"q": "bcd 539wkpzm 001"}, set()),
        ({"q": "   "}, {"fridge", "washer", "aircon", "done"}),
    ],
)
def test_filters(data, expected, queue):
    # when
    found = filtered(data)

    # then
    assert {name for name, request in queue.items() if request in found} == expected


@pytest.mark.parametrize(
    "spelling",
    ["138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "0086 13800138000", "8613800138000"],
)
def test_the_queue_finds_a_caller_by_any_spelling_of_their_mobile(spelling, queue):
    # given the customer's phone is 13800138000 (see the `customer` fixture)
    # when / then
    assert set(filtered({"q": spelling})) == {queue["fridge"]}


@pytest.mark.parametrize("spelling", ["(010) 6552-9988", "010 65529988", "+86 10 6552 9988"])
def test_the_queue_finds_a_caller_by_their_landline(spelling, queue):
    assert set(filtered({"q": spelling})) == {queue["washer"]}


def test_assigned_to_me(agent, queue):
    assert set(filtered({"assignee": "me"}, user=agent)) == {queue["fridge"], queue["done"]}


def test_assigned_to_someone(technician, queue):
    assert set(filtered({"assignee": str(technician.pk)})) == {queue["aircon"]}


def test_team_and_service_center(center, queue):
    team = queue["washer"].team
    assert set(filtered({"team": team.pk})) == {queue["washer"]}
    assert set(filtered({"service_center": center.pk})) == {queue["aircon"]}


def test_received_between_dates(queue):
    # given
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=7)

    # when
    recent = filtered({"received_after": week_ago.isoformat(), "received_before": today})

    # then
    assert "done" not in {name for name, r in queue.items() if r in recent}


def test_an_invalid_choice_is_reported(queue):
    # when
    filterset = ServiceRequestFilter({"status": ["finished"]}, queryset=ServiceRequest.objects)

    # then
    assert not filterset.is_valid()
    assert "status" in filterset.errors


# --- Sorting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("received", ["done", "fridge", "washer", "aircon"]),
        ("-received", ["aircon", "washer", "fridge", "done"]),
        ("due", ["done", "fridge", "aircon", "washer"]),
        ("-due", ["washer", "aircon", "fridge", "done"]),
        ("number", ["done", "fridge", "washer", "aircon"]),
        ("-number", ["aircon", "washer", "fridge", "done"]),
        ("priority", ["washer", "done", "aircon", "fridge"]),
        ("-priority", ["fridge", "aircon", "done", "washer"]),
        # in the order of the workflow, not of the stored words
        ("status", ["washer", "fridge", "aircon", "done"]),
        ("-status", ["done", "aircon", "fridge", "washer"]),
        ("", ["aircon", "washer", "fridge", "done"]),
        ("nonsense", ["aircon", "washer", "fridge", "done"]),
    ],
)
def test_sort_orders(sort, order, queue):
    # when
    rows = list(sort_requests(ServiceRequest.objects.all(), sort))

    # then
    names = {request.pk: name for name, request in queue.items()}
    assert [names[row.pk] for row in rows] == order


def test_every_sort_breaks_ties_the_same_way_every_time(customer):
    # given requests equal on every sort key but their id
    received = timezone.now()
    same = [
        ServiceRequestFactory(customer=customer, received_at=received, priority="normal")
        for _ in range(3)
    ]

    # when / then pages never shuffle between loads
    for sort in SORTS:
        if "number" in sort:
            continue
        rows = [r.pk for r in sort_requests(ServiceRequest.objects.all(), sort)]
        ids = [r.pk for r in same]
        assert rows in (ids, ids[::-1]), sort


def test_updated_sorts_by_last_change(agent, queue):
    # given the oldest request got a comment just now
    from aftersales.service import services

    services.add_comment(queue["done"], actor=agent, body="客户又来电咨询")

    # when
    rows = list(sort_requests(ServiceRequest.objects.all(), "-updated"))

    # then
    assert rows[0] == queue["done"]


@pytest.mark.parametrize("typed", ["SR-2026-3", "sr-2026-000003", "SR-2026-0003"])
def test_a_number_read_aloud_finds_the_request(typed, queue):
    assert list(filtered({"q": typed})) == [queue["aircon"]]
