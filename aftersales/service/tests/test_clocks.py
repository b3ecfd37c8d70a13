"""A request's service-level clocks as it lives: started, answered, paused, recomputed,
stopped. The deadline arithmetic itself is tested in the sla app; here, that requests
use it at the right moments and say so on the timeline.

The default policy counts business time on the China working-days calendar
(Mon–Fri 09:00–12:00 and 13:00–18:00); on-site arrival is clock time.
"""

import datetime
import zoneinfo

import pytest
import time_machine

from aftersales.service import services
from aftersales.service.choices import Channel, EventKind, Priority, Status, Visibility
from aftersales.testing.factories import CustomerFactory

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    """A moment in March 2026 (the 10th is a Tuesday), Shanghai time."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SH)


def open_request(actor, customer, *, when, **fields):
    values = {"subject": "空调不制冷", "channel": Channel.EMAIL, "received_at": when} | fields
    with time_machine.travel(when, tick=False):
        return services.create_request(actor=actor, customer=customer, **values)


def test_deadlines_count_business_hours_from_when_the_customer_reached_us(agent, customer):
    # when an email of Tuesday 10:00 is logged, high priority
    request = open_request(agent, customer, when=at(10, 10), priority=Priority.HIGH)

    # then a 2-hour response is due at noon and 16 business hours later is Thursday 10:00
    assert request.response_due_at == at(10, 12)
    assert request.resolution_due_at == at(12, 10)
    assert request.onsite_due_at is None
    assert request.first_response_at is None
    assert request.sla["policy"]["name"]


def test_a_call_taken_by_an_agent_is_answered_at_once(agent, customer):
    request = open_request(agent, customer, when=at(10, 10), channel=Channel.PHONE)
    assert request.first_response_at == at(10, 10)
    assert request.response_met is True


@pytest.mark.parametrize(
    ("reply_at", "met"),
    [(at(10, 14), True), (at(10, 13, 59), True), (at(10, 14, 1), False)],
)
def test_the_first_message_to_the_customer_stops_the_response_clock(agent, customer, reply_at, met):
    # given a normal request of Tuesday 09:00: 4 business hours → due 14:00 (after lunch)
    request = open_request(agent, customer, when=at(10, 9))
    assert request.response_due_at == at(10, 14)

    # when the agent writes to the customer
    with time_machine.travel(reply_at, tick=False):
        services.add_comment(
            request,
            actor=agent,
            body="您好，已收到，工程师会联系您。",
            visibility=Visibility.PUBLIC,
        )

    # then
    request.refresh_from_db()
    assert (request.first_response_at, request.response_met) == (reply_at, met)


def test_an_internal_note_is_no_answer(agent, customer):
    request = open_request(agent, customer, when=at(10, 9))
    with time_machine.travel(at(10, 10), tick=False):
        services.add_comment(
            request, actor=agent, body="查一下备件", visibility=Visibility.INTERNAL
        )
    request.refresh_from_db()
    assert request.first_response_at is None


@pytest.mark.parametrize(
    ("city", "due"),
    [("北京", at(11, 10)), ("北京市", at(11, 10)), ("临安县", at(12, 10)), ("", at(12, 10))],
)
def test_on_site_arrival_is_24_hours_in_tier_one_cities_and_48_elsewhere(agent, city, due):
    customer = CustomerFactory(city=city)
    request = open_request(agent, customer, when=at(10, 10), needs_visit=True)
    assert request.onsite_due_at == due


def test_changing_the_priority_recomputes_and_says_so(agent, customer):
    # given a normal request of Tuesday 10:00
    request = open_request(agent, customer, when=at(10, 10))
    before = request.resolution_due_at

    # when it becomes urgent
    with time_machine.travel(at(10, 11), tick=False):
        request = services.update_request(request, actor=agent, priority=Priority.URGENT)

    # then the deadlines follow, and the timeline shows old and new
    assert request.response_due_at == at(10, 11)  # 1 business hour from 10:00
    assert request.resolution_due_at < before
    event = request.events.get(kind=EventKind.SLA)
    assert event.data["clock"] == "recomputed"
    assert event.data["because"] == ["priority"]
    moment = datetime.datetime.fromisoformat
    assert moment(event.data["before"]["resolution_due_at"]) == before
    assert moment(event.data["after"]["resolution_due_at"]) == request.resolution_due_at


def test_a_visit_becoming_needed_starts_the_on_site_clock(agent, customer):
    request = open_request(agent, customer, when=at(10, 10))
    with time_machine.travel(at(10, 11), tick=False):
        request = services.update_request(request, actor=agent, needs_visit=True)
    assert request.onsite_due_at is not None
    assert request.events.get(kind=EventKind.SLA).data["because"] == ["needs_visit"]


def move(request, actor, to, when, **kwargs):
    with time_machine.travel(when, tick=False):
        return services.transition(request, actor=actor, to=to, **kwargs)


def test_waiting_on_the_customer_pauses_the_resolution_clock_by_business_time(
    agent, technician, customer
):
    # given a request in progress, received Tuesday 10:00
    request = open_request(agent, customer, when=at(10, 10), assignee=technician)
    request = move(request, technician, Status.IN_PROGRESS, at(10, 11))
    due = request.resolution_due_at
    assert due == at(13, 10)  # 24 business hours: Friday 10:00

    # when it waits on the customer from Tuesday 17:00 to Wednesday 10:00
    request = move(request, technician, Status.WAITING_CUSTOMER, at(10, 17))
    assert request.paused_at == at(10, 17)
    assert "resolution" not in request.late_clocks()  # however long ago that was
    request = move(request, technician, Status.IN_PROGRESS, at(11, 10))

    # then the deadline moved by the 2 business hours paused (17–18 and 09–10), not 17 h
    assert request.paused_at is None
    assert request.paused_minutes == 120
    assert request.resolution_due_at == at(13, 12)
    kinds = [e.data.get("clock") for e in request.events.filter(kind=EventKind.SLA)]
    assert kinds == ["paused", "resumed"]


@pytest.mark.parametrize(("started", "met"), [(at(11, 10), True), (at(11, 10, 1), False)])
def test_the_technician_starting_work_on_site_stops_the_on_site_clock(
    agent, technician, started, met
):
    # given a visit needed in Beijing: on site within 24 hours
    customer = CustomerFactory(city="北京")
    request = open_request(agent, customer, when=at(10, 10), assignee=technician, needs_visit=True)

    # when the technician starts work there
    request = move(request, technician, Status.IN_PROGRESS, started)

    # then
    request.refresh_from_db()
    assert (request.arrived_at, request.onsite_met) == (started, met)


def test_an_agent_starting_work_is_not_an_arrival(agent, customer):
    request = open_request(agent, customer, when=at(10, 10), needs_visit=True, assignee=agent)
    request = move(request, agent, Status.IN_PROGRESS, at(10, 11))
    assert request.arrived_at is None


def test_waiting_on_parts_does_not_pause_by_default(agent, technician, customer):
    request = open_request(agent, customer, when=at(10, 10), assignee=technician)
    request = move(request, technician, Status.IN_PROGRESS, at(10, 11))
    request = move(request, technician, Status.WAITING_PARTS, at(10, 12))
    assert request.paused_at is None


@pytest.mark.parametrize(("resolved_at", "met"), [(at(12, 10), True), (at(12, 10, 1), False)])
def test_resolving_records_whether_the_deadline_was_met(
    agent, technician, customer, resolved_at, met
):
    request = open_request(
        agent, customer, when=at(10, 10), assignee=technician, priority=Priority.HIGH
    )
    request = move(request, technician, Status.IN_PROGRESS, at(10, 11))
    request = move(
        request, technician, Status.RESOLVED, resolved_at,
        resolution_type="onsite", resolution_summary="更换电容",
    )  # fmt: skip
    assert request.resolution_met is met
    # resolving without an earlier message answers the customer too
    assert request.first_response_at == resolved_at


def test_reopening_restarts_every_clock(agent, technician, customer):
    request = open_request(agent, customer, when=at(10, 10), assignee=technician)
    request = move(request, technician, Status.IN_PROGRESS, at(10, 11))
    request = move(
        request, technician, Status.RESOLVED, at(10, 15),
        resolution_type="onsite", resolution_summary="更换电容",
    )  # fmt: skip
    request = move(request, agent, Status.IN_PROGRESS, at(16, 9), note="又不制冷了")
    assert request.resolution_met is None
    assert request.first_response_at is None
    assert request.response_due_at == at(16, 14)  # 4 business hours from Monday 09:00


def test_the_assignee_hears_of_a_request_given_to_them(agent, technician, customer):
    from aftersales.notifications.models import OutboundMessage

    technician.email = "tech@example.com"
    technician.save()
    request = open_request(agent, customer, when=at(10, 10), assignee=technician)
    told = OutboundMessage.objects.filter(event="assigned")
    assert [(m.to_address, m.request_id) for m in told] == [("tech@example.com", request.pk)]
    # taking a request oneself is no news
    request = move(request, technician, Status.IN_PROGRESS, at(10, 11))
    assert told.count() == 1


def test_a_gold_plan_counts_around_the_clock(agent, customer):
    from aftersales.service import clocks
    from aftersales.sla.services import ensure_policy_for_plan
    from aftersales.testing.factories import ServiceRequestFactory
    from aftersales.warranty.models import ServicePlan

    # given a request under a gold contract (24×7), received on Saturday night
    gold = ServicePlan.objects.create(
        code="gold", name="金牌服务", rank=3, response_hours=1, resolution_hours=8,
        onsite_hours=4,
    )  # fmt: skip
    ensure_policy_for_plan(gold)
    request = ServiceRequestFactory(
        customer=customer, received_at=at(14, 22), entitlement={"plan": {"code": "gold"}}
    )

    # when its clocks start
    clocks.start(request)

    # then the night and the Sunday count, and the page says so
    assert request.response_due_at == at(14, 23)
    assert request.resolution_due_at == at(15, 6)
    assert clocks.target_text(request.sla["targets"]["resolution"]) == "8 h"
