"""Enrolment rules: seats, no double enrolment, who pays what, who may enrol."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.testing.factories import ContactFactory, TrainingSessionFactory
from aftersales.training import services
from aftersales.training.models import Enrolment, SessionStatus
from aftersales.warranty.models import ContractStatus


def test_included_in_contract_costs_nothing_and_names_the_contract(manager, session, contract):
    enrolment = services.enrol(session, actor=manager, contact=_contact(contract.customer))
    assert enrolment.price == 0
    assert enrolment.contract == contract
    assert enrolment.customer == contract.customer


def _contact(customer):
    return ContactFactory(customer=customer)


def test_without_contract_pays_the_course_price(manager, session, contact):
    enrolment = services.enrol(session, actor=manager, contact=contact)
    assert enrolment.price == Decimal("800.00")
    assert enrolment.contract is None


def test_contract_of_another_plan_or_expired_does_not_include(manager, session, contract, contact):
    contract.status = ContractStatus.EXPIRED
    contract.save()
    assert services.enrol(session, actor=manager, contact=contact).price == Decimal("800.00")


def test_contract_must_be_in_force_on_the_session_day(manager, course, contract, contact):
    late = TrainingSessionFactory(
        course=course, starts_at=timezone.now() + datetime.timedelta(days=400)
    )
    assert services.enrol(late, actor=manager, contact=contact).contract is None


def test_technicians_attend_free(manager, session, tech):
    enrolment = services.enrol(session, actor=manager, technician=tech)
    assert enrolment.price == 0 and enrolment.customer is None


def test_full_session_refused_with_a_clear_error_and_nothing_written(manager, course, tech):
    session = TrainingSessionFactory(course=course, seats=1)
    services.enrol(session, actor=manager, technician=tech)
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
    with pytest.raises(Conflict) as refused:
        services.enrol(session, actor=manager, contact=ContactFactory())
    assert "full" in str(refused.value)
    assert Enrolment.objects.filter(session=session).count() == 1


def test_last_seat_is_refused_even_if_the_status_says_open(manager, course, tech):
    session = TrainingSessionFactory(course=course, seats=1)
    services.enrol(session, actor=manager, technician=tech)
    session.status = SessionStatus.OPEN  # as if someone reopened it by hand
    session.save()
    with pytest.raises(Conflict, match="all 1 seats"):
        services.enrol(session, actor=manager, contact=ContactFactory())


def test_double_enrolment_refused(manager, session, contact, tech):
    services.enrol(session, actor=manager, contact=contact)
    services.enrol(session, actor=manager, technician=tech)
    with pytest.raises(Conflict, match="already enrolled"):
        services.enrol(session, actor=manager, contact=contact)
    with pytest.raises(Conflict, match="already enrolled"):
        services.enrol(session, actor=manager, technician=tech)
    assert session.enrolments.count() == 2


def test_exactly_one_person(manager, session, contact, tech):
    with pytest.raises(DomainError):
        services.enrol(session, actor=manager, contact=contact, technician=tech)
    with pytest.raises(DomainError):
        services.enrol(session, actor=manager)
    assert not Enrolment.objects.exists()


def test_database_refuses_both_or_neither(session, contact, tech):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(session=session, contact=contact, technician=tech)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(session=session)


def test_cancelled_session_takes_nobody(manager, session, contact):
    services.cancel_session(session, actor=manager)
    with pytest.raises(Conflict):
        services.enrol(session, actor=manager, contact=contact)


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_only_planners_enrol(users, role, session, contact):
    with pytest.raises(NotAllowed):
        services.enrol(session, actor=users[role], contact=contact)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", ["admin", "manager", "agent"])
def test_planners_enrol(users, role, session, contact):
    assert services.enrol(session, actor=users[role], contact=contact).pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolment_fills_the_last_seat_once(manager, course):
    """Two planners take the last seat at the same time: one gets it, one is told it is
    full (PostgreSQL: the session row lock orders them; SQLite has one writer anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    session = TrainingSessionFactory(course=course, seats=1)
    people = [ContactFactory(), ContactFactory()]
    outcomes, barrier = [], threading.Barrier(2)

    def take(person):
        try:
            barrier.wait()
            services.enrol(session, actor=manager, contact=person)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert Enrolment.objects.filter(session=session).count() == 1


def test_planned_session_opens_before_enrolment(client, manager, course, contact):
    session = TrainingSessionFactory(course=course, status=SessionStatus.PLANNED)
    with pytest.raises(Conflict, match="not open for enrolment yet"):
        services.enrol(session, actor=manager, contact=contact)
    client.force_login(manager)
    assert (
        'id="open-session"'
        in client.get(reverse("training:session", args=[session.pk])).content.decode()
    )
    client.post(reverse("training:open", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert services.enrol(session, actor=manager, contact=contact).pk


def test_a_planner_cancels_a_session_but_not_one_held(client, manager, course):
    session = TrainingSessionFactory(course=course)
    held = TrainingSessionFactory(course=course, status=SessionStatus.HELD)
    client.force_login(manager)
    page = client.post(reverse("training:cancel", args=[session.pk]), follow=True)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert "Session cancelled." in page.content.decode()
    refused = client.post(reverse("training:cancel", args=[held.pk]), follow=True)
    held.refresh_from_db()
    assert held.status == SessionStatus.HELD
    assert "has been held and cannot be cancelled" in refused.content.decode()
