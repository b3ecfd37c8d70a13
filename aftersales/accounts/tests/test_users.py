"""Users: a role's own requirements, and time zones people can actually live in."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role


@pytest.mark.parametrize(
    ("role", "links", "field", "message"),
    [
        (Role.PARTNER, {}, "service_center", "Partner staff must belong to a service center."),
        (Role.CUSTOMER, {}, "customer", "A customer login must be linked to a customer."),
    ],
)
def test_roles_that_need_a_link_refuse_without_it(role, links, field, message, db):
    # given
    user = User(username="someone", role=role, **links)

    # when
    with pytest.raises(ValidationError) as refused:
        user.clean()

    # then
    assert refused.value.message_dict == {field: [message]}


@pytest.mark.parametrize(
    ("role", "link"),
    [
        (Role.PARTNER, "partner_center"),
        (Role.CUSTOMER, "customer"),
        (Role.TECHNICIAN, None),
        (Role.AGENT, None),
        (Role.ADMIN, None),
    ],
)
def test_roles_with_what_they_need_are_valid(role, link, request):
    # given
    links = {}
    if link == "partner_center":
        links["service_center"] = request.getfixturevalue("partner_center")
    elif link == "customer":
        links["customer"] = request.getfixturevalue("customer")
    user = User(username="someone", role=role, **links)

    # when / then
    user.clean()


@pytest.mark.parametrize(
    ("time_zone", "valid"),
    [("Asia/Shanghai", True), ("Europe/Berlin", True), ("", True), ("Mars/Olympus", False)],
)
def test_time_zones_must_exist(time_zone, valid, db):
    # given
    user = User(username="someone", role=Role.AGENT, time_zone=time_zone)
    user.set_unusable_password()

    # when / then
    if valid:
        user.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            user.full_clean()
        assert refused.value.message_dict["time_zone"] == ["Mars/Olympus is not a known time zone."]


@pytest.mark.parametrize(
    ("role", "back_office", "field", "manager", "staff_ui"),
    [
        (Role.ADMIN, True, False, True, True),
        (Role.MANAGER, True, False, True, True),
        (Role.AGENT, True, False, False, True),
        (Role.DISPATCHER, True, False, False, True),
        (Role.TECHNICIAN, False, True, False, True),
        (Role.PARTNER, False, True, False, True),
        (Role.CUSTOMER, False, False, False, False),
    ],
)
def test_what_each_role_is(role, back_office, field, manager, staff_ui):
    user = User(role=role)
    assert (user.is_back_office, user.is_field, user.is_manager, user.may_use_staff_ui) == (
        back_office,
        field,
        manager,
        staff_ui,
    )
