"""Opening a request: its number, the time the customer reached us, deadlines, and refusals."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.core.errors import NotAllowed
from aftersales.core.models import Counter
from aftersales.service import services
from aftersales.service.choices import Channel, EventKind, Priority, Status, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.sla import services as sla
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import (
    ContactFactory,
    CustomerFactory,
    FaultCodeFactory,
    UnitFactory,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def open_request(actor, customer, **fields):
    values = {"subject": "空调不制冷", "channel": Channel.PHONE} | fields
    return services.create_request(actor=actor, customer=customer, **values)


def nothing_created():
    return not ServiceRequest.objects.exists() and not TimelineEvent.objects.exists()


def test_an_agent_logs_a_call(agent, customer):
    # given a unit of the caller
    unit = UnitFactory(customer=customer)

    # when
    request = open_request(agent, customer, unit=unit, description="开机后不出冷风")

    # then
    request.refresh_from_db()
    year = timezone.localtime().year
    assert request.number == f"SR-{year}-000001"
    assert request.status == Status.NEW
    assert request.unit == unit
    assert request.created_by == agent
    assert request.version == 1
    event = request.events.get(kind=EventKind.CREATED)
    assert event.kind == EventKind.CREATED
    assert event.actor == agent
    assert event.visibility == Visibility.PUBLIC
    assert event.body == "开机后不出冷风"
    assert event.data == {"channel": Channel.PHONE, "status": Status.NEW}


def test_numbers_count_up_per_year(agent, customer):
    # when
    numbers = [open_request(agent, customer).number for _ in range(3)]

    # then
    year = timezone.localtime().year
    assert numbers == [f"SR-{year}-{n:06d}" for n in (1, 2, 3)]


def test_the_year_of_the_number_is_the_local_year(db):
    # given 00:30 on New Year's Day in Shanghai, still the old year in UTC
    when = datetime.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert when.astimezone(datetime.UTC).year == 2025

    # when
    number = services.request_number(when)

    # then
    assert number.startswith("SR-2026-")


def test_received_at_defaults_to_now(agent, customer):
    # given
    before = timezone.now()

    # when
    request = open_request(agent, customer)

    # then
    assert before <= request.received_at <= timezone.now()
    assert request.received_at == request.created_at


def test_a_call_logged_afterwards_keeps_when_the_customer_called(agent, customer):
    # given the customer called two hours ago
    called = timezone.now() - datetime.timedelta(hours=2)

    # when
    request = open_request(agent, customer, received_at=called, priority=Priority.HIGH)

    # then deadlines count from the call, not from the typing
    assert request.received_at == called
    expected = sla.deadlines_for(
        received_at=called, priority=Priority.HIGH, plan_code=None, city="", needs_visit=False
    )
    assert request.response_due_at == expected.response_due_at
    assert request.resolution_due_at == expected.resolution_due_at


@pytest.mark.parametrize(
    ("priority", "response_due", "resolution_due"),
    [
        # Business hours Mon–Fri 09–12, 13–18 from Tuesday 10 March 2026, 09:00.
        (Priority.URGENT, (10, 10), (10, 18)),  # 1 h, 8 h
        (Priority.HIGH, (10, 11), (11, 18)),  # 2 h, 16 h
        (Priority.NORMAL, (10, 14), (12, 18)),  # 4 h (over lunch), 24 h
        (Priority.LOW, (10, 18), (16, 18)),  # 8 h, 40 h (over the weekend)
    ],
)
def test_deadlines_follow_priority(priority, response_due, resolution_due, agent, customer):
    # when an email of Tuesday 09:00 is logged
    def at(day, hour):
        return datetime.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)

    with time_machine.travel(at(10, 9), tick=False):
        request = open_request(agent, customer, priority=priority, channel=Channel.EMAIL)

    # then
    assert request.response_due_at == at(*response_due)
    assert request.resolution_due_at == at(*resolution_due)


def test_received_at_in_the_future_is_refused(agent, customer):
    # when
    with pytest.raises(ValidationError) as refused:
        open_request(agent, customer, received_at=timezone.now() + datetime.timedelta(hours=1))

    # then
    assert refused.value.message_dict == {
        "received_at": ["The time the customer reached us cannot be in the future."]
    }
    assert nothing_created()
    assert not Counter.objects.exists()


def test_a_clock_a_little_ahead_is_tolerated(agent, customer):
    # when
    request = open_request(
        agent, customer, received_at=timezone.now() + datetime.timedelta(minutes=2)
    )

    # then
    assert request.pk


def test_a_unit_of_another_customer_is_refused(agent, customer):
    # given
    neighbour = CustomerFactory(name="李四")
    unit = UnitFactory(customer=neighbour, serial_number="KFR35GW001")

    # when
    with pytest.raises(ValidationError) as refused:
        open_request(agent, customer, unit=unit)

    # then
    assert refused.value.message_dict == {
        "unit": ["Unit KFR35GW001 belongs to another customer (李四)."]
    }
    assert nothing_created()


def test_a_contact_of_another_customer_is_refused(agent, customer):
    # given
    contact = ContactFactory()

    # when
    with pytest.raises(ValidationError) as refused:
        open_request(agent, customer, contact=contact)

    # then
    assert refused.value.message_dict == {"contact": ["This contact belongs to another customer."]}
    assert nothing_created()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"channel": "fax"}, "channel"),
        ({"priority": "asap"}, "priority"),
        ({"kind": "magic"}, "kind"),
    ],
)
def test_bad_fields_are_refused(fields, field, agent, customer):
    # when
    with pytest.raises(ValidationError) as refused:
        open_request(agent, customer, **fields)

    # then
    assert field in refused.value.message_dict
    assert nothing_created()


def test_opening_with_an_assignee_makes_it_assigned(agent, technician, customer):
    # when
    request = open_request(agent, customer, assignee=technician)

    # then
    assert request.status == Status.ASSIGNED
    assert request.events.get().data["status"] == Status.ASSIGNED


def test_fault_codes_are_kept(agent, customer):
    # given
    codes = [FaultCodeFactory(code="E1"), FaultCodeFactory(code="E2")]

    # when
    request = open_request(agent, customer, fault_codes=codes)

    # then
    assert set(request.fault_codes.all()) == set(codes)


def test_a_customer_cannot_route_or_prioritise_their_own_request(
    customer, customer_user, technician, center
):
    # given
    unit = UnitFactory(customer=customer)

    # when the customer asks for more than they may decide
    request = open_request(
        customer_user,
        customer,
        channel=Channel.PHONE,
        unit=unit,
        description="洗衣机不脱水",
        priority=Priority.URGENT,
        assignee=technician,
        service_center=center,
    )

    # then what they may say is kept, the rest is the back office's to decide
    request.refresh_from_db()
    assert request.unit == unit
    assert request.description == "洗衣机不脱水"
    assert request.channel == Channel.PORTAL
    assert request.priority == Priority.NORMAL
    assert request.assignee is None
    assert request.service_center is None
    assert request.status == Status.NEW


def test_a_customer_is_not_told_who_owns_a_unit_that_is_not_theirs(customer, customer_user):
    # given a unit of another customer (its id guessed, or a stale form)
    unit = UnitFactory(customer=CustomerFactory(name="李四"), serial_number="KFR35GW001")

    # when the customer opens a request naming it
    with pytest.raises(ValidationError) as refused:
        open_request(customer_user, customer, unit=unit)

    # then the refusal names neither the owner nor the serial number
    message = " ".join(refused.value.message_dict["unit"])
    assert message == "This unit is not registered to you."
    assert nothing_created()


def test_fault_codes_are_for_staff_to_set(customer, customer_user):
    # when a customer's request names fault codes (they go into fault statistics)
    request = open_request(customer_user, customer, fault_codes=[FaultCodeFactory()])

    # then they are left for the staff's diagnosis
    assert not request.fault_codes.exists()


def test_a_customer_cannot_open_a_request_for_someone_else(customer_user):
    # when
    with pytest.raises(NotAllowed) as refused:
        open_request(customer_user, CustomerFactory())

    # then
    assert str(refused.value) == "You may not open requests for this customer."
    assert nothing_created()


@pytest.mark.parametrize("role", ["technician", "partner"])
def test_field_staff_cannot_open_requests(role, users, customer):
    with pytest.raises(NotAllowed):
        open_request(users[role], customer)
    assert nothing_created()


# --- Concurrency -------------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_many_agents_log_calls_at_once(agent, customer):
    # given eight agents, each logging five calls at the same moment
    def log_calls(_):
        return [open_request(agent, customer).number for _ in range(5)]

    # when
    results = run_together(log_calls, [(i,) for i in range(8)])

    # then every call got a number of this year, and no number twice (none was rolled
    # back, so none is skipped either)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors
    numbers = sorted(int(number.rsplit("-", 1)[1]) for batch in results for number in batch)
    year = timezone.localtime().year
    assert all(number.startswith(f"SR-{year}-") for batch in results for number in batch)
    assert numbers == list(range(numbers[0], numbers[0] + 40))
    assert ServiceRequest.objects.count() == 40
