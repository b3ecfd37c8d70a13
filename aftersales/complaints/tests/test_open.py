"""Opening a complaint: its request, its fast SLA, what it is about, the repeat flag."""

import datetime

import pytest
from django.utils import timezone

from aftersales.complaints import services
from aftersales.complaints.models import Complaint, ComplaintEvent
from aftersales.complaints.tests.conftest import open_complaint
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.service import services as request_services
from aftersales.service.choices import Channel, EventKind, Kind, Priority
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_complaint_is_a_request_of_kind_complaint_with_its_row(agent, customer):
    complaint = open_complaint(agent, customer, "critical", description="等了一上午")
    request = complaint.request
    assert request.kind == Kind.COMPLAINT
    assert request.number.startswith("SR-")
    assert request.priority == Priority.URGENT
    assert complaint.customer == customer and complaint.repeat is False
    assert request.response_due_at and request.resolution_due_at
    assert list(complaint.events.values_list("action", flat=True)) == ["opened"]
    assert request.events.filter(kind=EventKind.CREATED).exists()


@pytest.mark.parametrize("severity", ["minor", "major", "critical"])
def test_every_complaint_has_a_faster_sla_than_a_normal_repair(agent, customer, severity):
    repair = request_services.create_request(
        actor=agent, customer=customer, subject="维修", channel=Channel.PHONE
    )
    complaint = open_complaint(agent, customer, severity)
    assert complaint.request.response_due_at < repair.response_due_at
    assert complaint.request.resolution_due_at < repair.resolution_due_at


def test_severity_sets_the_priority(agent, customer):
    assert open_complaint(agent, customer, "minor").request.priority == Priority.HIGH
    assert open_complaint(agent, customer, "major").request.priority == Priority.URGENT


def test_complaining_about_a_visit_names_its_request_technician_and_product(
    agent, repair, visit, partner_tech, unit
):
    complaint = services.complain_about(
        repair, agent, severity="major", subject="师傅态度差", about_visit=visit
    )
    assert complaint.about_request == repair
    assert complaint.about_visit == visit
    assert complaint.about_technician == partner_tech
    assert complaint.about_product == unit.product
    assert complaint.request.unit == unit
    note = repair.events.filter(kind=EventKind.COMMENT).last()
    assert complaint.request.number in note.body


def test_a_visit_of_another_request_is_refused_and_nothing_is_written(agent, customer, visit):
    other = request_services.create_request(
        actor=agent, customer=customer, subject="另一单", channel=Channel.PHONE
    )
    before = ServiceRequest.objects.count()
    with pytest.raises(DomainError) as error:
        services.complain_about(other, agent, severity="minor", subject="x", about_visit=visit)
    assert error.value.field == "about_visit"
    assert ServiceRequest.objects.count() == before
    assert not Complaint.objects.exists()


def test_a_request_of_another_customer_is_refused(agent, repair):
    stranger = CustomerFactory(name="李四")
    with pytest.raises(DomainError):
        open_complaint(agent, stranger, about_request=repair)
    assert not Complaint.objects.exists()


def test_a_missing_severity_or_subject_is_refused(agent, customer):
    with pytest.raises(DomainError) as error:
        open_complaint(agent, customer, "terrible")
    assert error.value.field == "severity"
    with pytest.raises(DomainError) as error:
        open_complaint(agent, customer, subject=" ")
    assert error.value.field == "subject"
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_only_agents_and_managers_open_complaints(users, customer, role):
    with pytest.raises(NotAllowed):
        open_complaint(users[role], customer)
    assert not ServiceRequest.objects.exists()


def test_managers_and_admins_open_complaints(manager, admin_user, customer):
    assert open_complaint(manager, customer).pk
    assert open_complaint(admin_user, customer).pk


def test_apologising_on_the_call_records_apology_and_first_contact_at_once(agent, customer):
    complaint = open_complaint(agent, customer, apologised=True, apology_note="非常抱歉")
    assert complaint.apology_at and complaint.first_contact_at
    assert complaint.apology_by == agent and complaint.apology_how == "call"
    request = complaint.request
    request.refresh_from_db()
    assert request.first_response_at is not None  # the call answered the customer
    assert request.events.filter(kind=EventKind.CALL).exists()


# --- Repeat flag ----------------------------------------------------------------------------


def test_the_second_complaint_within_180_days_is_flagged(agent, customer):
    first = open_complaint(agent, customer)
    second = open_complaint(agent, customer)
    assert first.repeat is False
    assert second.repeat is True and second.previous == first
    assert second.request.events.filter(body__contains=first.request.number).exists()


def test_a_complaint_after_the_window_is_not_a_repeat(agent, customer):
    first = open_complaint(agent, customer)
    days = services.REPEAT_WINDOW_DAYS + 1
    Complaint.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    assert open_complaint(agent, customer).repeat is False


def test_another_customers_complaint_does_not_count(agent, customer):
    open_complaint(agent, CustomerFactory(name="李四"))
    assert open_complaint(agent, customer).repeat is False


def test_history_rows_cannot_be_changed(agent, customer):
    event = open_complaint(agent, customer).events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        ComplaintEvent.objects.filter(pk=event.pk).delete()


def test_a_critical_or_repeated_complaint_alerts_the_managers_at_once(agent, manager, customer):
    from aftersales.notifications.models import OutboundMessage

    manager.email = "boss@example.com"
    manager.save(update_fields=["email"])
    # a major first complaint: no alert
    open_complaint(agent, customer, severity="major")
    assert not OutboundMessage.objects.filter(event="complaint_alert").exists()
    # a second one within 180 days is a repeat: the managers hear of it
    second = open_complaint(agent, customer, severity="minor")
    alert = OutboundMessage.objects.get(event="complaint_alert")
    assert alert.user == manager and second.request.number in alert.subject
    # and a critical complaint of another customer too
    open_complaint(agent, CustomerFactory(), severity="critical")
    assert OutboundMessage.objects.filter(event="complaint_alert").count() == 2
