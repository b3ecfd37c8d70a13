"""Moving a request through the workflow: every pair of statuses, and what each move needs."""

import itertools

import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import services, workflow
from aftersales.service.choices import EventKind, ResolutionType, Status, Visibility
from aftersales.service.models import TimelineEvent
from aftersales.testing.factories import CustomerFactory, UserFactory

S = Status
ALL_PAIRS = list(itertools.product(Status.values, repeat=2))


def what_the_move_needs(target, assignee):
    """The extra input a person gives for a move: who, why, how it was solved."""
    extra = {"note": "客户来电说明情况"}
    if target == S.ASSIGNED:
        extra["assignee"] = assignee
    if target == S.RESOLVED:
        extra |= {"resolution_type": ResolutionType.ONSITE, "resolution_summary": "更换压缩机"}
    return extra


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_every_pair_of_statuses(source, target, agent, technician, request_in, row_of):
    # given a request in `source`
    request = request_in(source)
    before = row_of(request)

    if workflow.is_allowed(source, target):
        # when an agent moves it to an allowed status
        moved = services.transition(
            request, actor=agent, to=target, **what_the_move_needs(target, technician)
        )

        # then it is there, one version later, with a public status event by the agent
        moved.refresh_from_db()
        assert moved.status == target
        assert moved.version == 2
        event = moved.events.get(kind=EventKind.STATUS)
        assert event.actor == agent
        assert event.visibility == Visibility.PUBLIC
        assert event.data["from"] == source
        assert event.data["to"] == target
    else:
        # when an agent asks for a move the workflow does not have
        with pytest.raises(DomainError) as refused:
            services.transition(
                request, actor=agent, to=target, **what_the_move_needs(target, technician)
            )

        # then the message says what is possible instead, and nothing changed
        error = refused.value
        assert error.code == "illegal_transition"
        assert error.field == "to"
        allowed = ", ".join(str(S(s).label) for s in workflow.next_statuses(source))
        assert str(error) == (
            f"A request that is {S(source).label} cannot become {S(target).label}. "
            f"Next can be: {allowed or 'nothing (it is finished)'}."
        )
        assert row_of(request) == before


def test_an_unknown_status_is_refused_with_the_list_of_statuses(agent, request_in, row_of):
    # given
    request = request_in(S.NEW)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(request, actor=agent, to="done")

    # then
    assert "done is not a status. Use one of: new, triaged, assigned" in str(refused.value)
    assert row_of(request) == before


# --- Cancel ----------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "   \n "])
def test_cancel_requires_a_reason(note, agent, request_in, row_of):
    # given
    request = request_in(S.IN_PROGRESS)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(request, actor=agent, to=S.CANCELLED, note=note)

    # then
    assert str(refused.value) == "Say why the request is cancelled."
    assert refused.value.code == "reason_required"
    assert refused.value.field == "note"
    assert row_of(request) == before


def test_cancel_keeps_the_reason_on_the_request_and_the_timeline(agent, request_in):
    # given
    request = request_in(S.TRIAGED)

    # when
    cancelled = services.transition(
        request, actor=agent, to=S.CANCELLED, note="  客户重复报修，见另一工单  "
    )

    # then
    cancelled.refresh_from_db()
    assert cancelled.status == S.CANCELLED
    assert cancelled.cancel_reason == "客户重复报修，见另一工单"
    assert cancelled.events.get().body == "客户重复报修，见另一工单"


# --- Resolve and close -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution_type", "summary", "field", "message"),
    [
        ("", "更换主板", "resolution_type", "Choose how the request was resolved."),
        ("magic", "更换主板", "resolution_type", "Choose how the request was resolved."),
        (
            ResolutionType.REMOTE,
            "",
            "resolution_summary",
            "Describe the solution for the customer's record.",
        ),
        (
            ResolutionType.REMOTE,
            "  \n",
            "resolution_summary",
            "Describe the solution for the customer's record.",
        ),
    ],
)
def test_resolve_requires_how_and_what(
    resolution_type, summary, field, message, agent, request_in, row_of
):
    # given
    request = request_in(S.IN_PROGRESS)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(
            request,
            actor=agent,
            to=S.RESOLVED,
            resolution_type=resolution_type,
            resolution_summary=summary,
        )

    # then
    assert str(refused.value) == message
    assert refused.value.code == "resolution_required"
    assert refused.value.field == field
    assert row_of(request) == before


def test_resolve_records_the_solution_and_when(agent, request_in):
    # given
    request = request_in(S.WAITING_CUSTOMER)

    # when
    resolved = services.transition(
        request,
        actor=agent,
        to=S.RESOLVED,
        resolution_type=ResolutionType.REMOTE,
        resolution_summary=" 指导客户恢复出厂设置 ",
    )

    # then
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED
    assert resolved.resolution_type == ResolutionType.REMOTE
    assert resolved.resolution_summary == "指导客户恢复出厂设置"
    assert resolved.resolved_at is not None
    event = resolved.events.get(kind=EventKind.STATUS)
    assert event.body == "指导客户恢复出厂设置"
    assert event.data["resolution_type"] == ResolutionType.REMOTE


def test_close_records_when(agent, request_in):
    # given
    request = request_in(S.RESOLVED)

    # when
    closed = services.transition(request, actor=agent, to=S.CLOSED)

    # then
    closed.refresh_from_db()
    assert closed.status == S.CLOSED
    assert closed.closed_at is not None
    assert closed.resolved_at is not None


# --- Reopen ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.RESOLVED, S.IN_PROGRESS), (S.RESOLVED, S.TRIAGED), (S.CLOSED, S.IN_PROGRESS)]
    + [(S.CLOSED, S.TRIAGED)],
)
def test_reopen_counts_and_clears_the_finish_dates(source, target, agent, request_in):
    # given a finished request that was reopened once before
    request = request_in(source, reopen_count=1)

    # when the customer says the problem is back
    reopened = services.transition(request, actor=agent, to=target, note="回访：问题仍存在")

    # then
    reopened.refresh_from_db()
    assert reopened.status == target
    assert reopened.reopen_count == 2
    assert reopened.resolved_at is None
    assert reopened.closed_at is None
    event = reopened.events.get(kind=EventKind.STATUS)
    assert event.data["reopened"] is True
    assert event.body == "回访：问题仍存在"


@pytest.mark.parametrize("source", [S.RESOLVED, S.CLOSED])
def test_reopen_requires_a_reason(source, agent, request_in, row_of):
    # given
    request = request_in(source)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(request, actor=agent, to=S.IN_PROGRESS, note=" ")

    # then
    assert str(refused.value) == "Say why the request is reopened."
    assert row_of(request) == before


# --- Assignment ------------------------------------------------------------------------


@pytest.mark.parametrize("source", [S.NEW, S.TRIAGED])
def test_start_work_on_an_unassigned_request_assigns_the_actor(source, agent, request_in):
    # given
    request = request_in(source)
    assert request.assignee is None

    # when
    started = services.transition(request, actor=agent, to=S.IN_PROGRESS)

    # then
    started.refresh_from_db()
    assert started.status == S.IN_PROGRESS
    assert started.assignee == agent
    assert started.events.get().data["assignee"] == str(agent)


def test_a_technician_starting_work_on_their_centers_request_takes_it(
    technician, center, request_in
):
    # given an unassigned request routed to the technician's service center
    request = request_in(S.TRIAGED, service_center=center)

    # when
    started = services.transition(request, actor=technician, to=S.IN_PROGRESS)

    # then
    assert started.assignee == technician


def test_start_work_keeps_an_existing_assignee(agent, technician, request_in):
    # given
    request = request_in(S.ASSIGNED)

    # when
    started = services.transition(request, actor=agent, to=S.IN_PROGRESS)

    # then
    assert started.assignee == technician
    assert "assignee" not in started.events.get().data


@pytest.mark.parametrize("source", [S.NEW, S.TRIAGED])
def test_assign_requires_someone(source, agent, request_in, row_of):
    # given
    request = request_in(source)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(request, actor=agent, to=S.ASSIGNED)

    # then
    assert str(refused.value) == "Choose who the request is assigned to."
    assert refused.value.code == "assignee_required"
    assert row_of(request) == before


def test_assign_records_who(agent, technician, request_in):
    # given
    request = request_in(S.TRIAGED)

    # when
    assigned = services.transition(request, actor=agent, to=S.ASSIGNED, assignee=technician)

    # then
    assigned.refresh_from_db()
    assert assigned.assignee == technician
    assert assigned.events.get().data["assignee"] == str(technician)


@pytest.mark.parametrize("who", ["customer login", "inactive technician"])
def test_only_active_staff_can_be_assigned(who, agent, customer_user, center, request_in, row_of):
    # given
    person = (
        customer_user
        if who == "customer login"
        else UserFactory(role="technician", service_center=center, is_active=False)
    )
    request = request_in(S.TRIAGED)
    before = row_of(request)

    # when
    with pytest.raises(DomainError) as refused:
        services.transition(request, actor=agent, to=S.ASSIGNED, assignee=person)

    # then
    assert str(refused.value) == f"{person} cannot be assigned requests."
    assert refused.value.field == "assignee"
    assert row_of(request) == before


def test_unassign_sends_the_request_back_to_triage(agent, request_in):
    # given
    request = request_in(S.ASSIGNED)

    # when
    back = services.transition(request, actor=agent, to=S.TRIAGED)

    # then
    back.refresh_from_db()
    assert back.status == S.TRIAGED
    assert back.assignee is None


def test_partner_assigns_a_colleague_of_their_own_center(partner, partner_center, request_in):
    # given
    colleague = UserFactory(role="technician", service_center=partner_center)
    request = request_in(S.TRIAGED, service_center=partner_center)

    # when
    assigned = services.transition(request, actor=partner, to=S.ASSIGNED, assignee=colleague)

    # then
    assert assigned.assignee == colleague


@pytest.mark.parametrize("whom", ["other partner's technician", "head-office technician"])
def test_partner_cannot_assign_people_of_another_center(
    whom, partner, partner_center, other_center, technician, request_in, row_of
):
    # given
    outsider = (
        UserFactory(role="technician", service_center=other_center)
        if whom == "other partner's technician"
        else technician
    )
    request = request_in(S.TRIAGED, service_center=partner_center)
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.transition(request, actor=partner, to=S.ASSIGNED, assignee=outsider)

    # then
    assert str(refused.value) == "Partner staff can assign only people of their own service center."
    assert row_of(request) == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (S.ASSIGNED, "You may not move this request to Assigned."),
        (S.IN_PROGRESS, "You may not change: assignee."),
    ],
)
def test_a_technician_cannot_route_a_request_to_someone_else(
    target, message, technician, center, request_in, row_of
):
    # given a technician's own center request; routing belongs to the back office
    colleague = UserFactory(role="technician", service_center=center)
    request = request_in(S.TRIAGED, service_center=center)
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.transition(request, actor=technician, to=target, assignee=colleague)

    # then
    assert str(refused.value) == message
    assert row_of(request) == before


# --- Customers -------------------------------------------------------------------------


def test_customer_withdraws_their_own_new_request(customer, customer_user, request_in):
    # given
    request = request_in(S.NEW, customer=customer)

    # when
    cancelled = services.transition(
        request, actor=customer_user, to=S.CANCELLED, note="已经好了，不需要上门"
    )

    # then
    assert cancelled.status == S.CANCELLED
    event = cancelled.events.get()
    assert event.actor == customer_user
    assert event.visibility == Visibility.PUBLIC


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.TRIAGED, S.CANCELLED), (S.NEW, S.TRIAGED), (S.RESOLVED, S.CLOSED)]
    + [(S.RESOLVED, S.IN_PROGRESS)],
)
def test_customer_cannot_move_their_request_otherwise(
    source, target, customer, customer_user, request_in, row_of
):
    # given
    request = request_in(source, customer=customer)
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.transition(request, actor=customer_user, to=target, note="…")

    # then
    assert str(refused.value) == f"You may not move this request to {S(target).label}."
    assert row_of(request) == before


# --- People who cannot see the request -------------------------------------------------


@pytest.mark.parametrize("target", [S.CLOSED, S.CANCELLED, S.IN_PROGRESS])
def test_someone_who_cannot_see_the_request_learns_nothing_about_it(
    target, other_partner, partner_center, request_in, row_of
):
    # given a request of another service center, already closed
    request = request_in(S.CLOSED, service_center=partner_center)
    before = row_of(request)

    # when a partner of another center tries any move, even with an old version number
    with pytest.raises(NotAllowed) as refused:
        services.transition(request, actor=other_partner, to=target, note="x", expected_version=99)

    # then they are refused without hearing its status or number
    assert str(refused.value) == "You may not change this request."
    assert row_of(request) == before


def test_a_customer_cannot_cancel_someone_elses_request(customer_user, request_in, row_of):
    # given
    request = request_in(S.NEW, customer=CustomerFactory())
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed):
        services.transition(request, actor=customer_user, to=S.CANCELLED, note="不要了")

    # then
    assert row_of(request) == before


# --- Versions --------------------------------------------------------------------------


def test_a_move_based_on_an_old_version_is_refused(agent, request_in, row_of):
    # given a request someone else already changed (version 2)
    request = request_in(S.NEW, version=2)
    before = row_of(request)

    # when
    with pytest.raises(Conflict) as refused:
        services.transition(request, actor=agent, to=S.TRIAGED, expected_version=1)

    # then
    assert refused.value.code == "stale_version"
    assert refused.value.status == 409
    assert f"Someone else changed request {request.number}" in str(refused.value)
    assert row_of(request) == before


def test_a_move_based_on_the_current_version_goes_through(agent, request_in):
    # given
    request = request_in(S.NEW, version=3)

    # when
    moved = services.transition(request, actor=agent, to=S.TRIAGED, expected_version="3")

    # then
    assert moved.version == 4


def test_each_move_appends_to_the_timeline(agent, technician, request_in):
    # given
    request = request_in(S.NEW)

    # when a request goes the whole way
    for target, extra in [
        (S.TRIAGED, {}),
        (S.ASSIGNED, {"assignee": technician}),
        (S.IN_PROGRESS, {}),
        (S.WAITING_PARTS, {"note": "等待压缩机到货"}),
        (S.IN_PROGRESS, {}),
        (S.RESOLVED, {"resolution_type": "onsite", "resolution_summary": "更换压缩机"}),
        (S.CLOSED, {}),
    ]:
        request = services.transition(request, actor=agent, to=target, **extra)

    # then each step is one event, in order
    moves = TimelineEvent.objects.filter(request=request, kind=EventKind.STATUS)
    steps = [(e.data["from"], e.data["to"]) for e in moves]
    assert steps == [
        (S.NEW, S.TRIAGED),
        (S.TRIAGED, S.ASSIGNED),
        (S.ASSIGNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.WAITING_PARTS),
        (S.WAITING_PARTS, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESOLVED),
        (S.RESOLVED, S.CLOSED),
    ]
    assert request.version == 8


def test_a_note_on_a_move_is_internal_but_a_reason_is_told_to_the_customer(agent, request_in):
    # given
    request = request_in(S.IN_PROGRESS)

    # when the agent notes something for colleagues while waiting for parts
    request = services.transition(request, actor=agent, to=S.WAITING_PARTS, note="压缩机缺货")

    # then the status change is public, the note an internal comment beside it
    status = request.events.get(kind=EventKind.STATUS)
    note = request.events.get(kind=EventKind.COMMENT)
    assert (status.visibility, status.body) == (Visibility.PUBLIC, "")
    assert (note.visibility, note.body) == (Visibility.INTERNAL, "压缩机缺货")

    # when it is cancelled, the reason goes to the customer with the status change
    request = services.transition(request, actor=agent, to=S.CANCELLED, note="客户已自行修好")
    cancelled = request.events.filter(kind=EventKind.STATUS).last()
    assert (cancelled.visibility, cancelled.body) == (Visibility.PUBLIC, "客户已自行修好")


def test_reopening_restarts_the_clock_and_clears_the_old_solution(agent, request_in):
    # given a request resolved long ago, whose deadlines are long past
    request = request_in(S.CLOSED)
    request.resolution_due_at = request.received_at
    request.save()

    # when the problem comes back
    request = services.transition(request, actor=agent, to=S.IN_PROGRESS, note="又漏水了")

    # then it is not overdue at once, and needs a new solution
    request.refresh_from_db()
    assert not request.is_overdue
    assert (request.resolution_type, request.resolution_summary) == ("", "")
    assert request.reopen_count == 1
