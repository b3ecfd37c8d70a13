"""Who may see, edit, move and comment on which request: one table per power, per role."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from aftersales.core.errors import NotAllowed
from aftersales.service import access, services, workflow
from aftersales.service.choices import EventKind, Status, Visibility
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import (
    ContactFactory,
    CustomerFactory,
    FaultCodeFactory,
    ServiceRequestFactory,
    TeamFactory,
    UnitFactory,
    UserFactory,
)

ROLES = ["admin", "manager", "agent", "dispatcher", "technician", "partner", "customer"]
BACK_OFFICE = {"admin", "manager", "agent", "dispatcher"}


@pytest.fixture
def world(customer, technician, center, partner_center, other_center):
    """Five requests that differ in who they belong to."""
    stranger = CustomerFactory(name="陌生客户")
    return {
        "the customer's": ServiceRequestFactory(customer=customer),
        "own center's": ServiceRequestFactory(customer=stranger, service_center=center),
        "partner center's": ServiceRequestFactory(customer=stranger, service_center=partner_center),
        "other partner's": ServiceRequestFactory(customer=stranger, service_center=other_center),
        "the technician's": ServiceRequestFactory(customer=stranger, assignee=technician),
    }


EVERYTHING = {
    "the customer's",
    "own center's",
    "partner center's",
    "other partner's",
    "the technician's",
}
SEES = {
    **dict.fromkeys(BACK_OFFICE, EVERYTHING),
    "technician": {"own center's", "the technician's"},
    "partner": {"partner center's"},
    "customer": {"the customer's"},
}
# The back office sees every request; these roles see only some.
LIMITED = ["technician", "partner", "customer"]

# The request each role works on in the tables below: one they can see.
THEIR_REQUEST = {
    **dict.fromkeys(BACK_OFFICE, "the customer's"),
    "technician": "own center's",
    "partner": "partner center's",
    "customer": "the customer's",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_request(role, users, world):
    # given
    user = users[role]

    # when
    visible = set(access.visible_requests(user))

    # then
    assert visible == {world[name] for name in SEES[role]}
    for name, request in world.items():
        assert access.can_view(user, request) == (name in SEES[role])


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda users: AnonymousUser(), id="anonymous"),
        pytest.param(lambda users: UserFactory(role="agent", is_active=False), id="inactive"),
        pytest.param(lambda users: UserFactory(role="partner"), id="partner without center"),
        pytest.param(lambda users: UserFactory(role="customer"), id="customer login unlinked"),
    ],
)
def test_people_without_a_place_see_nothing(make_user, users, world):
    # given
    user = make_user(users)

    # when / then
    assert not access.visible_requests(user).exists()
    assert not access.visible_customers(user).exists()
    assert not access.visible_units(user).exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_customer_and_unit(role, users, customer, world):
    # given each request has a unit of its customer
    for request in world.values():
        request.unit = UnitFactory(customer=request.customer)
        request.save()
    unrelated_unit = UnitFactory()

    # when
    customers = set(access.visible_customers(users[role]))
    units = set(access.visible_units(users[role]))

    # then back office sees all; others see the customers and units of their requests
    if role in BACK_OFFICE:
        assert unrelated_unit in units
        assert unrelated_unit.customer in customers
    else:
        expected = [world[name] for name in SEES[role]]
        assert customers == {r.customer for r in expected}
        assert units == {r.unit for r in expected}


@pytest.mark.parametrize("role", ROLES)
def test_who_manages_customers(role, users):
    # given / when / then
    assert access.can_manage_customers(users[role]) == (role in BACK_OFFICE)


# --- Create ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_a_request_for_a_customer(role, users, customer):
    # given
    stranger = CustomerFactory()

    # when / then: back office for anyone; a customer only for themselves; field roles not
    for whom, allowed in [
        (customer, role in BACK_OFFICE | {"customer"}),
        (stranger, role in BACK_OFFICE),
    ]:
        if allowed:
            services.check_create(users[role], whom)
        else:
            with pytest.raises(NotAllowed):
                services.check_create(users[role], whom)


# --- Edit --------------------------------------------------------------------------------

FIELD_EDITS = {"description", "diagnosis", "fault_cause", "fault_codes"}
EDITS = {
    **{role: set(access.ALL_EDITABLE) for role in BACK_OFFICE},
    "technician": FIELD_EDITS,
    "partner": FIELD_EDITS | {"assignee"},
    "customer": set(),
}


def new_value(field, request, users, partner_center):
    """A valid new value of `field` for `request`."""
    if field == "customer":
        return CustomerFactory()
    if field == "contact":
        return ContactFactory(customer=request.customer)
    if field == "unit":
        return UnitFactory(customer=request.customer)
    if field == "fault_codes":
        return [FaultCodeFactory()]
    if field == "assignee":
        return UserFactory(role="technician", service_center=partner_center)
    if field == "team":
        return TeamFactory()
    if field == "service_center":
        return partner_center
    if field == "received_at":
        return timezone.now() - datetime.timedelta(hours=3)
    return {
        "channel": "email",
        "kind": "installation",
        "subject": "洗衣机漏水",
        "description": "底部有水渍",
        "priority": "urgent",
        "diagnosis": "hardware",
        "fault_cause": "quality",
        "needs_visit": True,
    }[field]


@pytest.mark.parametrize("field", access.ALL_EDITABLE)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_which_field(role, field, users, world, partner_center, row_of):
    # given a request the user can see
    user = users[role]
    request = world[THEIR_REQUEST[role]]
    value = new_value(field, request, users, partner_center)
    before = row_of(request)

    if field in EDITS[role]:
        # when they change the field
        services.update_request(request, actor=user, **{field: value})

        # then it is changed, and the timeline names them
        event = request.events.get(kind=EventKind.FIELDS)
        assert event.actor == user
        assert field in event.data["changes"]
    else:
        # when they try
        with pytest.raises(NotAllowed) as refused:
            services.update_request(request, actor=user, **{field: value})

        # then they are told which field they may not change, and nothing changed
        label = ServiceRequest._meta.get_field(field).verbose_name
        assert str(refused.value) == f"You may not change: {label}."
        assert row_of(request) == before


@pytest.mark.parametrize("role", LIMITED)
def test_nobody_edits_a_request_they_cannot_see(role, users, world, row_of):
    # given a request the user cannot see
    request = world[sorted(EVERYTHING - SEES[role])[0]]
    before = row_of(request)

    # when
    with pytest.raises(NotAllowed) as refused:
        services.update_request(request, actor=users[role], description="改一下")

    # then
    assert str(refused.value) == "You may not change this request."
    assert row_of(request) == before


# --- Move --------------------------------------------------------------------------------


def may_move(role, source, target):
    if role in BACK_OFFICE:
        return True
    if role == "customer":
        return source == Status.NEW and target == Status.CANCELLED
    if role == "technician" and target == Status.ASSIGNED:
        return False  # choosing who does the work is routing; they "Start work" instead
    if source in (Status.RESOLVED, Status.CLOSED):
        return False  # closing after the follow-up, and reopening, are back-office decisions
    return target != Status.CANCELLED


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s, targets in workflow.TRANSITIONS.items() for t in targets],
)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_move_a_request(role, source, target, users, world, technician):
    # given a request the user can see, in `source`
    user = users[role]
    request = world[THEIR_REQUEST[role]]
    ServiceRequest.objects.filter(pk=request.pk).update(
        status=source, assignee=None if source in (Status.NEW, Status.TRIAGED) else technician
    )
    request.refresh_from_db()

    # when they look at the buttons
    offered = {move.target for move in services.available_transitions(user, request)}

    # then the move is offered exactly when they may make it, and the service agrees
    allowed = may_move(role, source, target)
    assert (target in offered) == allowed
    if allowed:
        services.check_transition(user, request, target)
    else:
        with pytest.raises(NotAllowed):
            services.check_transition(user, request, target)


# --- Comment and read -------------------------------------------------------------------


@pytest.mark.parametrize("visibility", Visibility.values)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_what(role, visibility, users, world):
    # given
    user = users[role]
    request = world[THEIR_REQUEST[role]]
    allowed = role != "customer" or visibility == Visibility.PUBLIC

    if allowed:
        # when
        event = services.add_comment(
            request, actor=user, body="请周六上午上门", visibility=visibility
        )

        # then
        assert event.actor == user
        assert event.visibility == visibility
    else:
        # when
        with pytest.raises(NotAllowed) as refused:
            services.add_comment(request, actor=user, body="内部", visibility=visibility)

        # then
        assert str(refused.value) == "You may not write internal notes."
        assert not request.events.exists()


@pytest.mark.parametrize("role", LIMITED)
def test_nobody_comments_on_a_request_they_cannot_see(role, users, world):
    # given a request the user cannot see
    request = world[sorted(EVERYTHING - SEES[role])[0]]

    # when
    with pytest.raises(NotAllowed) as refused:
        services.add_comment(request, actor=users[role], body="你好", visibility="public")

    # then
    assert str(refused.value) == "You may not comment on this request."
    assert not request.events.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_internal_notes(role, users, world, agent):
    # given a request with a message to the customer and an internal note
    request = world[THEIR_REQUEST[role]]
    services.add_comment(request, actor=agent, body="已安排师傅", visibility=Visibility.PUBLIC)
    services.add_comment(request, actor=agent, body="客户脾气急", visibility=Visibility.INTERNAL)

    # when
    bodies = [event.body for event in services.timeline(users[role], request)]

    # then customers read only what was written for them
    if role == "customer":
        assert bodies == ["已安排师傅"]
    else:
        assert bodies == ["已安排师傅", "客户脾气急"]


def test_people_in_the_field_see_the_requests_they_have_a_visit_on(
    technician, partner, other_center, partner_center
):
    from aftersales.dispatch.models import Visit
    from aftersales.field.models import Technician

    # given a request of another center, sent to this technician (and partner's center)
    request = ServiceRequestFactory(service_center=other_center)
    profile = Technician.objects.create(user=technician, home_center=technician.service_center)
    assert not access.visible_requests(technician).filter(pk=request.pk).exists()

    # when a visit to it is planned for them
    Visit.objects.create(request=request, center=partner_center, technician=profile)

    # then they see it, once
    assert list(access.visible_requests(technician).filter(pk=request.pk)) == [request]
    assert list(access.visible_requests(partner).filter(pk=request.pk)) == [request]
