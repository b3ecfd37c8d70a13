"""Apology, root cause, sign-off, and the guard on resolving and closing a complaint."""

import datetime

import pytest
from django.utils import timezone

from aftersales.complaints import services
from aftersales.complaints.models import Complaint
from aftersales.complaints.tests.conftest import handle, open_complaint
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import services as request_services
from aftersales.service.choices import EventKind, ResolutionType, Status, Visibility

pytestmark = pytest.mark.django_db


def _resolve(request, actor):
    return request_services.transition(
        request, actor=actor, to=Status.RESOLVED,
        resolution_type=ResolutionType.ADVICE, resolution_summary="已处理",
    )  # fmt: skip


def test_an_apology_by_message_is_a_public_message_on_the_request(agent, customer):
    complaint = open_complaint(agent, customer)
    complaint = services.record_apology(
        complaint, agent, how="message", note="对不起，给您添麻烦了"
    )
    event = complaint.request.events.filter(kind=EventKind.COMMENT).last()
    assert event.visibility == Visibility.PUBLIC and "对不起" in event.body
    assert complaint.first_contact_at == complaint.apology_at
    complaint.request.refresh_from_db()
    assert complaint.request.first_response_at is not None


def test_an_apology_by_message_needs_its_text(agent, customer):
    complaint = open_complaint(agent, customer)
    with pytest.raises(DomainError) as error:
        services.record_apology(complaint, agent, how="message", note="")
    assert error.value.field == "note"
    complaint.refresh_from_db()
    assert complaint.apology_at is None and complaint.version == 1


def test_first_contact_may_be_earlier_than_the_apology(agent, customer):
    complaint = open_complaint(agent, customer)
    earlier = timezone.now() - datetime.timedelta(hours=1)
    complaint = services.record_apology(complaint, agent, how="visit", first_contact_at=earlier)
    assert complaint.first_contact_at == earlier
    assert complaint.apology_at > earlier


def test_an_apology_in_the_future_is_refused(agent, customer):
    complaint = open_complaint(agent, customer)
    with pytest.raises(DomainError):
        services.record_apology(
            complaint, agent, how="call", at=timezone.now() + datetime.timedelta(days=1)
        )


def test_root_cause_needs_a_corrective_action_and_other_needs_detail(agent, customer):
    complaint = open_complaint(agent, customer)
    with pytest.raises(DomainError) as error:
        services.record_cause(complaint, agent, root_cause="price", corrective_action=" ")
    assert error.value.field == "corrective_action"
    with pytest.raises(DomainError) as error:
        services.record_cause(complaint, agent, root_cause="other", corrective_action="x")
    assert error.value.field == "detail"
    with pytest.raises(DomainError) as error:
        services.record_cause(complaint, agent, root_cause="bad luck", corrective_action="x")
    assert error.value.field == "root_cause"
    complaint = services.record_cause(
        complaint,
        agent,
        root_cause="price",
        detail="上门费没提前说",
        corrective_action="退还上门费",
    )
    assert complaint.root_cause == "price" and complaint.cause_by == agent
    assert complaint.request.events.filter(body__contains="退还上门费").exists()


def test_a_stale_version_is_a_conflict(agent, manager, customer):
    complaint = open_complaint(agent, customer)
    services.record_apology(complaint, manager, how="call")
    with pytest.raises(Conflict):
        services.record_cause(
            complaint, agent, root_cause="late", corrective_action="x", expected_version=1
        )


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_only_agents_and_managers_record_steps(users, agent, customer, role):
    complaint = open_complaint(agent, customer)
    with pytest.raises(NotAllowed):
        services.record_apology(complaint, users[role], how="call")
    with pytest.raises(NotAllowed):
        services.record_cause(complaint, users[role], root_cause="late", corrective_action="x")


# --- The guard on resolving and closing ---------------------------------------------------


def test_resolving_before_apology_and_root_cause_is_refused_with_what_is_missing(agent, customer):
    complaint = open_complaint(agent, customer)
    with pytest.raises(DomainError) as error:
        _resolve(complaint.request, agent)
    assert error.value.code == "complaint_incomplete"
    assert "apology" in str(error.value) and "root cause" in str(error.value)
    complaint.request.refresh_from_db()
    assert complaint.request.status == Status.NEW

    services.record_apology(complaint, agent, how="call")
    with pytest.raises(DomainError) as error:
        _resolve(complaint.request, agent)
    assert "apology" not in str(error.value) and "corrective action" in str(error.value)


def test_closing_without_sign_off_is_refused_even_for_a_manager(agent, manager, customer):
    complaint = handle(open_complaint(agent, customer), agent)
    assert complaint.request.status == Status.RESOLVED
    with pytest.raises(DomainError) as error:
        request_services.transition(complaint.request, actor=manager, to=Status.CLOSED)
    assert error.value.code == "sign_off_required"
    complaint.request.refresh_from_db()
    assert complaint.request.status == Status.RESOLVED


def test_a_managers_sign_off_closes_the_request(agent, manager, customer):
    complaint = handle(open_complaint(agent, customer), agent)
    complaint = services.sign_off(complaint, manager, note="处理到位")
    complaint.request.refresh_from_db()
    assert complaint.request.status == Status.CLOSED
    assert complaint.signed_off_by == manager and complaint.signed_off_at
    assert list(complaint.events.values_list("action", flat=True)) == [
        "opened", "apology", "cause", "signed_off",
    ]  # fmt: skip
    with pytest.raises(Conflict):
        services.sign_off(complaint, manager)


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_sign_off(users, agent, customer, role):
    complaint = handle(open_complaint(agent, customer), agent)
    with pytest.raises(NotAllowed):
        services.sign_off(complaint, users[role])
    complaint.refresh_from_db()
    assert complaint.signed_off_at is None


def test_sign_off_needs_a_resolved_request(agent, manager, customer):
    complaint = open_complaint(agent, customer)
    services.record_apology(complaint, agent, how="call")
    complaint = services.record_cause(complaint, agent, root_cause="late", corrective_action="x")
    with pytest.raises(DomainError) as error:
        services.sign_off(complaint, manager)
    assert error.value.code == "not_resolved"
    complaint.refresh_from_db()
    assert complaint.signed_off_at is None


def test_sign_off_needs_the_steps(agent, manager, customer):
    complaint = open_complaint(agent, customer)
    with pytest.raises(DomainError) as error:
        services.sign_off(complaint, manager)
    assert error.value.code == "complaint_incomplete"


def test_steps_after_sign_off_are_refused(agent, manager, customer):
    complaint = services.sign_off(handle(open_complaint(agent, customer), agent), manager)
    with pytest.raises(Conflict):
        services.record_cause(complaint, agent, root_cause="late", corrective_action="y")


def test_reopening_a_signed_off_complaint_needs_a_new_sign_off(agent, manager, customer):
    complaint = services.sign_off(handle(open_complaint(agent, customer), agent), manager)
    request_services.transition(
        complaint.request, actor=manager, to=Status.IN_PROGRESS, note="客户仍不满意"
    )
    complaint.refresh_from_db()
    assert complaint.signed_off_at is None
    assert complaint.events.filter(action="sign_off_void").exists()
    _resolve(complaint.request, agent)
    with pytest.raises(DomainError):
        request_services.transition(complaint.request, actor=manager, to=Status.CLOSED)
    assert services.sign_off(complaint, manager).signed_off_at


def test_other_requests_and_complaint_requests_without_a_row_move_as_usual(agent, repair):
    _resolve(repair, agent)
    request_services.transition(repair, actor=agent, to=Status.CLOSED)
    legacy = request_services.create_request(
        actor=agent, customer=repair.customer, subject="旧投诉", channel="phone", kind="complaint"
    )
    assert not Complaint.objects.filter(request=legacy).exists()
    _resolve(legacy, agent)
