"""Who may open which training page (allowed and refused, per role), certificate
downloads, and bounded queries on the lists."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.testing.factories import (
    ContactFactory,
    TrainingSessionFactory,
    TrainingTechnicianFactory,
    UserFactory,
)
from aftersales.training import services
from aftersales.training.models import Certificate, Course, Session
from aftersales.training.services import Mark

PLANNERS = ["admin", "manager", "agent"]
NOT_PLANNERS = ["dispatcher", "technician", "partner", "customer"]


@pytest.mark.parametrize("role", PLANNERS + ["dispatcher", "technician", "partner"])
def test_home_for_staff(client, users, role, session):
    client.force_login(users[role])
    html = client.get(reverse("training:home")).content.decode()
    assert f'data-session="{session.pk}"' in html


def test_home_refused_to_customers_and_anonymous(client, customer_user):
    assert client.get(reverse("training:home")).status_code == 302  # to the login page
    client.force_login(customer_user)
    assert client.get(reverse("training:home")).status_code == 403


@pytest.mark.parametrize("role", PLANNERS)
def test_planners_plan(client, users, role, course):
    client.force_login(users[role])
    assert client.get(reverse("training:course_new")).status_code == 200
    assert client.get(reverse("training:session_new")).status_code == 200


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_others_may_not_plan(client, users, role, course, contact):
    client.force_login(users[role])
    assert client.get(reverse("training:course_new")).status_code == 403
    response = client.post(reverse("training:session_new"), {"course": course.pk})
    assert response.status_code == 403
    session = TrainingSessionFactory(course=course)
    assert client.post(reverse("training:enrol", args=[session.pk]),
                       {"contact": contact.pk}).status_code == 403  # fmt: skip
    assert client.post(reverse("training:certify", args=[session.pk])).status_code == 403
    assert not session.enrolments.exists()


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_session_page_refused_to_others(client, users, role, session):
    client.force_login(users[role])
    assert client.get(reverse("training:session", args=[session.pk])).status_code == 403


def test_trainer_opens_and_marks_their_session(client, technician, manager, course, tech):
    session = TrainingSessionFactory(
        course=course, trainer=technician, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    pupil = TrainingTechnicianFactory()
    enrolment = services.enrol(session, actor=manager, technician=pupil)
    client.force_login(technician)
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert f'name="attended-{enrolment.pk}"' in page
    assert 'id="enrol"' not in page and 'id="certify"' not in page
    marks = {f"attended-{enrolment.pk}": "1", f"result-{enrolment.pk}": "passed"}
    response = client.post(reverse("training:marks", args=[session.pk]), marks)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.result == "passed"


def test_form_errors_are_specific_and_write_nothing(client, manager, course):
    client.force_login(manager)
    starts = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(reverse("training:session_new"), {
        "course": course.pk, "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "seats": "5", "address": "x",
    })  # fmt: skip
    assert response.status_code == 400
    assert "A session ends after it starts." in response.content.decode()
    response = client.post(reverse("training:course_new"), {
        "title": "x", "audience": "operators", "delivery": "online", "duration_hours": "2",
        "price": "0", "certifies_level": "3",
    })  # fmt: skip
    assert response.status_code == 400
    assert "needs the product category" in response.content.decode()
    assert not Session.objects.exists()
    assert Course.objects.count() == 1


def test_full_session_shows_the_error(client, manager, course, tech):
    session = TrainingSessionFactory(course=course, seats=1)
    services.enrol(session, actor=manager, technician=tech)
    client.force_login(manager)
    response = client.post(reverse("training:enrol", args=[session.pk]),
                           {"contact": ContactFactory().pk}, follow=True)  # fmt: skip
    assert "This session is full: all 1 seats are taken." in response.content.decode()
    assert session.enrolments.count() == 1


def _certificate(manager, course, **person):
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    enrolment = services.enrol(session, actor=manager, **person)
    services.record_marks(session, [Mark(enrolment.pk, True, "passed")], actor=manager)
    [certificate] = services.issue_certificates(session, actor=manager)
    return certificate


def test_certificate_download_rules(client, manager, course, contact, tech, users):
    for_contact = _certificate(manager, course, contact=contact)
    for_tech = _certificate(manager, course, technician=tech)
    url = lambda c: reverse("training:certificate", args=[c.number])  # noqa: E731
    client.force_login(users["dispatcher"])
    assert client.get(url(for_contact)).status_code == 200
    client.force_login(tech.user)
    assert client.get(url(for_tech)).status_code == 200
    assert client.get(url(for_contact)).status_code == 403
    # The contact's own portal login downloads theirs; another customer's may not.
    own = UserFactory(role=Role.CUSTOMER, customer=contact.customer, contact=contact)
    client.force_login(own)
    assert client.get(url(for_contact)).content.startswith(b"%PDF")
    colleague = UserFactory(role=Role.CUSTOMER, customer=contact.customer,
                            contact=ContactFactory(customer=contact.customer))  # fmt: skip
    client.force_login(colleague)
    assert client.get(url(for_contact)).status_code == 403
    client.force_login(users["customer"])
    assert client.get(url(for_contact)).status_code == 403
    assert Certificate.objects.count() == 2


def test_lists_in_bounded_queries(client, manager, course, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            session = TrainingSessionFactory(course=course, seats=5)
            for _ in range(2):
                services.enrol(session, actor=manager, contact=ContactFactory())

    client.force_login(manager)
    fill(2)
    session = Session.objects.first()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("training:home"))
    with django_assert_max_num_queries(20) as few_roster:
        client.get(reverse("training:session", args=[session.pk]))
    fill(6)
    for _ in range(3):
        services.enrol(session, actor=manager, contact=ContactFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("training:home"))
    with django_assert_max_num_queries(len(few_roster.captured_queries)):
        client.get(reverse("training:session", args=[session.pk]))


def test_customer_page_and_portal_show_certificates(client, manager, agent, course, contact):
    certificate = _certificate(manager, course, contact=contact)
    client.force_login(agent)
    html = client.get(reverse("customers:detail", args=[contact.customer_id])).content.decode()
    assert 'id="customer-training"' in html and certificate.number in html
    login = UserFactory(role=Role.CUSTOMER, customer=contact.customer, contact=contact)
    client.force_login(login)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'data-certificate="{certificate.number}"' in html
    assert reverse("training:certificate", args=[certificate.number]) in html
