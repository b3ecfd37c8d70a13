"""Describing a change for the history: old and new values as people read them."""

import datetime

import pytest

from aftersales.core.changes import apply_changes
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UnitFactory


def test_changes_keep_choice_values_and_names_of_people(agent, technician):
    # given
    request = ServiceRequestFactory(priority="normal", assignee=agent, subject="旧标题")

    # when
    diff = apply_changes(
        request, {"priority": "urgent", "assignee": technician, "subject": "旧标题"}
    )

    # then: values for choices (each reader sees their own label), names for people;
    # unchanged fields are left out
    assert diff == {"priority": ["normal", "urgent"], "assignee": [str(agent), str(technician)]}
    assert request.priority == "urgent"
    assert request.assignee == technician


def test_dates_and_empty_values(db):
    # given
    unit = UnitFactory(purchased_on=datetime.date(2026, 1, 5), delivered_on=None)

    # when
    diff = apply_changes(
        unit, {"purchased_on": datetime.date(2026, 1, 6), "delivered_on": datetime.date(2026, 1, 8)}
    )

    # then
    assert diff == {
        "purchased_on": ["2026-01-05", "2026-01-06"],
        "delivered_on": [None, "2026-01-08"],
    }


def test_a_related_object_given_by_instance_or_the_same_one_again(db):
    # given
    customer = CustomerFactory(name="张三")
    request = ServiceRequestFactory(customer=customer)

    # when / then
    assert apply_changes(request, {"customer": customer}) == {}
    other = CustomerFactory(name="李四")
    assert apply_changes(request, {"customer": other}) == {"customer": ["张三", "李四"]}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(DomainError("x"), 400, "invalid"), (NotAllowed("x"), 403, "not_allowed")]
    + [(Conflict("x"), 409, "conflict"), (Conflict("x", code="stale"), 409, "stale")],
)
def test_errors_carry_a_status_and_a_stable_code(error, status, code):
    assert (error.status, error.code, str(error)) == (status, code, "x")
