"""Editing a request's details: what changed goes on the timeline, refusals change nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import services
from aftersales.service.choices import EventKind, Priority, Status, Visibility
from aftersales.service.models import ServiceRequest
from aftersales.sla import services as sla
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import (
    CustomerFactory,
    FaultCodeFactory,
    ServiceRequestFactory,
    UnitFactory,
)

H = datetime.timedelta(hours=1)


@pytest.fixture
def request_(agent, customer):
    """A normal-priority request the customer made three hours ago."""
    return services.create_request(
        actor=agent,
        customer=customer,
        subject="冰箱不制冷",
        channel="phone",
        received_at=timezone.now() - 3 * H,
    )


def edits(request):
    return list(request.events.filter(kind=EventKind.FIELDS))


def test_an_edit_lists_what_changed_old_and_new(agent, technician, request_):
    # when
    edited = services.update_request(
        request_,
        actor=agent,
        subject="冰箱冷藏室不制冷",
        priority=Priority.HIGH,
        assignee=technician,
        description="",
    )

    # then the request is changed and one event says how (choices by value, people by name)
    edited.refresh_from_db()
    assert edited.subject == "冰箱冷藏室不制冷"
    assert edited.version == 2
    [event] = edits(edited)
    assert event.actor == agent
    assert event.visibility == Visibility.INTERNAL
    assert event.data["changes"] == {
        "subject": ["冰箱不制冷", "冰箱冷藏室不制冷"],
        "priority": ["normal", "high"],
        "assignee": [None, str(technician)],
    }


def test_an_edit_that_changes_nothing_writes_nothing(agent, request_, row_of):
    # given
    before = row_of(request_)

    # when
    services.update_request(request_, actor=agent, subject="冰箱不制冷", priority="normal")

    # then
    assert row_of(request_) == before


def policy_deadlines(received_at, priority):
    return sla.deadlines_for(
        received_at=received_at, priority=priority, plan_code=None, city="", needs_visit=False
    )


@pytest.mark.parametrize("priority", [Priority.URGENT, Priority.LOW])
def test_deadlines_are_recomputed_when_priority_changes(priority, agent, request_):
    # when
    edited = services.update_request(request_, actor=agent, priority=priority)

    # then they still count from when the customer reached us
    edited.refresh_from_db()
    expected = policy_deadlines(edited.received_at, priority)
    assert edited.response_due_at == expected.response_due_at
    assert edited.resolution_due_at == expected.resolution_due_at


def test_deadlines_are_recomputed_when_received_at_is_corrected(agent, request_):
    # given the agent finds the customer had first called twenty days earlier
    earlier = request_.received_at - 480 * H

    # when
    edited = services.update_request(request_, actor=agent, received_at=earlier)

    # then
    edited.refresh_from_db()
    assert edited.resolution_due_at == policy_deadlines(earlier, edited.priority).resolution_due_at
    assert edited.is_overdue


def test_other_edits_leave_deadlines_alone(agent, request_):
    # given
    due = (request_.response_due_at, request_.resolution_due_at)

    # when
    edited = services.update_request(request_, actor=agent, subject="冰箱结霜")

    # then
    edited.refresh_from_db()
    assert (edited.response_due_at, edited.resolution_due_at) == due


def test_fault_codes_changes_are_listed(agent, request_):
    # given
    e1, e2, e3 = (
        FaultCodeFactory(code=c, symptom=s)
        for c, s in [("E1", "漏水"), ("E2", "异响"), ("E3", "不加热")]
    )
    request_.fault_codes.set([e1])

    # when
    edited = services.update_request(request_, actor=agent, fault_codes=[e2, e3])

    # then
    assert set(edited.fault_codes.all()) == {e2, e3}
    [event] = edits(edited)
    assert event.data["changes"]["fault_codes"] == ["E1 漏水", "E2 异响, E3 不加热"]
    assert edited.version == 2


def test_the_same_fault_codes_change_nothing(agent, request_, row_of):
    # given
    code = FaultCodeFactory()
    request_.fault_codes.set([code])
    before = row_of(request_)

    # when
    services.update_request(request_, actor=agent, fault_codes=[code])

    # then
    assert row_of(request_) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Status.CLOSED}, "You may not change: status."),
        ({"number": "SR-2026-999999"}, "You may not change: number."),
        ({"reopen_count": 0}, "You may not change: times reopened."),
        ({"version": 7}, "You may not change: version."),
        ({"colour": "red"}, "You may not change: colour."),
    ],
)
def test_fields_nobody_edits_are_refused(changes, message, agent, request_, row_of):
    # given
    before = row_of(request_)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.update_request(request_, actor=agent, **changes)

    # then
    assert str(refused.value) == message
    assert row_of(request_) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("received_at", timezone.now() + 2 * H, "cannot be in the future"),
        ("priority", "asap", "not a valid choice"),
        ("subject", "", "cannot be blank"),
    ],
)
def test_invalid_values_are_refused(field, value, message, agent, request_, row_of):
    # given
    before = row_of(request_)

    # when
    with pytest.raises(ValidationError) as refused:
        services.update_request(request_, actor=agent, **{field: value})

    # then
    assert message in " ".join(refused.value.message_dict[field])
    assert row_of(request_) == before


def test_a_unit_of_another_customer_is_refused(agent, request_, row_of):
    # given
    unit = UnitFactory(customer=CustomerFactory(name="李四"), serial_number="SN-LI-1")
    before = row_of(request_)

    # when
    with pytest.raises(ValidationError) as refused:
        services.update_request(request_, actor=agent, unit=unit)

    # then
    assert refused.value.message_dict["unit"] == [
        "Unit SN-LI-1 belongs to another customer (李四)."
    ]
    assert row_of(request_) == before


def test_moving_the_request_to_another_customer_with_their_unit(agent, request_):
    # given the call was logged under the wrong customer
    right = CustomerFactory(name="张三")
    unit = UnitFactory(customer=right)

    # when both are corrected together
    edited = services.update_request(request_, actor=agent, customer=right, unit=unit)

    # then
    assert (edited.customer, edited.unit) == (right, unit)


def test_partner_cannot_reassign_to_another_center(partner, partner_center, other_partner, row_of):
    # given
    request = ServiceRequestFactory(service_center=partner_center)
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.update_request(request, actor=partner, assignee=other_partner)

    # then
    assert str(refused.value) == "Partner staff can assign only people of their own service center."
    assert row_of(request) == before


def test_an_edit_based_on_an_old_version_is_refused(agent, request_, row_of):
    # given someone else saved a change meanwhile
    services.update_request(request_, actor=agent, subject="冰箱冷冻室结冰")
    before = row_of(request_)

    # when the first screen's edit arrives
    with pytest.raises(Conflict) as refused:
        services.update_request(request_, actor=agent, expected_version=1, subject="冰箱异响")

    # then
    assert "Reload the page to see their changes" in str(refused.value)
    assert row_of(request_) == before
    assert ServiceRequest.objects.get(pk=request_.pk).subject == "冰箱冷冻室结冰"


# --- Concurrency -------------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_of_the_same_version_one_wins(agent, manager, customer):
    # given
    request = ServiceRequestFactory(customer=customer)

    # when two people save their edit of version 1 at the same moment
    results = run_together(
        lambda actor, subject: services.update_request(
            request, actor=actor, expected_version=1, subject=subject
        ),
        [(agent, "甲的修改"), (manager, "乙的修改")],
    )

    # then one edit is saved and the other is told to reload
    conflicts = [r for r in results if isinstance(r, Conflict)]
    saved = [r for r in results if isinstance(r, ServiceRequest)]
    assert len(conflicts) == 1
    assert len(saved) == 1
    request.refresh_from_db()
    assert request.subject == saved[0].subject
    assert request.version == 2
    assert request.events.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_of_the_same_version_one_wins(agent, dispatcher, technician, customer):
    # given
    request = ServiceRequestFactory(customer=customer)

    # when one person triages and another cancels the same version at the same moment
    results = run_together(
        lambda actor, to: services.transition(
            request, actor=actor, to=to, note="重复报修", expected_version=1
        ),
        [(agent, Status.TRIAGED), (dispatcher, Status.CANCELLED)],
    )

    # then exactly one move happened
    conflicts = [r for r in results if isinstance(r, Conflict)]
    moved = [r for r in results if isinstance(r, ServiceRequest)]
    assert (len(conflicts), len(moved)) == (1, 1)
    request.refresh_from_db()
    assert request.status == moved[0].status
    assert request.version == 2
    # Only the winner's move is on the timeline (a triage also files its note as a comment).
    assert request.events.filter(kind=EventKind.STATUS).count() == 1
    winner = agent if request.status == Status.TRIAGED else dispatcher
    assert {e.actor for e in request.events.all()} == {winner}


# --- Assignee and status stay true to each other -------------------------------------------


@pytest.mark.parametrize(
    ("status", "assignee", "after"),
    [
        (Status.NEW, "technician", Status.ASSIGNED),
        (Status.TRIAGED, "technician", Status.ASSIGNED),
        (Status.ASSIGNED, None, Status.TRIAGED),
        (Status.IN_PROGRESS, "dispatcher", Status.IN_PROGRESS),
    ],
)
def test_editing_the_assignee_moves_the_status(
    status, assignee, after, agent, technician, dispatcher, request_in
):
    # given
    request = request_in(status)
    people = {"technician": technician, "dispatcher": dispatcher, None: None}

    # when the agent changes who has it
    request = services.update_request(request, actor=agent, assignee=people[assignee])

    # then the status follows, with a public status event when it moved
    assert request.status == after
    moves = request.events.filter(kind=EventKind.STATUS)
    if after == status:
        assert not moves.exists()
    else:
        assert [(m.data["from"], m.data["to"]) for m in moves] == [(status, after)]


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.WAITING_PARTS])
def test_work_in_progress_cannot_lose_its_assignee(status, agent, request_in, row_of):
    request = request_in(status)
    before = row_of(request)
    with pytest.raises(DomainError) as refused:
        services.update_request(request, actor=agent, assignee=None)
    assert refused.value.code == "assignee_required"
    assert row_of(request) == before


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_only_a_manager_corrects_an_archived_request(status, agent, manager, request_in):
    request = request_in(status)
    with pytest.raises(NotAllowed):
        services.update_request(request, actor=agent, diagnosis="hardware")
    request = services.update_request(request, actor=manager, diagnosis="hardware")
    assert request.diagnosis == "hardware"
