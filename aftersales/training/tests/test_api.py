"""The training API: courses, sessions with seats left, enrolments (create, attendance)
and certificates, per role."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.testing.factories import ContactFactory, TrainingSessionFactory
from aftersales.training import services
from aftersales.training.models import Enrolment
from aftersales.training.services import Mark

API = "/api/v1/training"


@pytest.fixture
def api():
    return APIClient()


def test_sessions_show_seats_left(api, manager, session, contact):
    services.enrol(session, actor=manager, contact=contact)
    api.force_authenticate(manager)
    rows = api.get(f"{API}/sessions/").json()["results"]
    assert rows[0]["seats_left"] == 2 and rows[0]["course_title"] == "空调操作员培训"
    assert api.get(f"{API}/courses/").json()["results"][0]["price"] == "800.00"


def test_enrol_and_mark_attendance(api, manager, session, contact, contract):
    api.force_authenticate(manager)
    response = api.post(f"{API}/enrolments/", {"session": session.pk, "contact": contact.pk},
                        format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["contract_number"] == "CT-2026-0001"
    assert response.json()["price"] == "0.00"
    again = api.post(f"{API}/enrolments/", {"session": session.pk, "contact": contact.pk},
                     format="json")  # fmt: skip
    assert again.status_code == 409
    pk = response.json()["id"]
    early = api.post(f"{API}/enrolments/{pk}/attendance/", {"attended": True}, format="json")
    assert early.status_code == 409
    session.starts_at = timezone.now() - datetime.timedelta(hours=1)
    session.ends_at = timezone.now()
    session.save()
    mark = {"attended": True, "result": "passed", "score": "95"}
    marked = api.post(f"{API}/enrolments/{pk}/attendance/", mark, format="json")
    assert marked.status_code == 200, marked.json()
    assert marked.json()["attendance"] == "attended" and marked.json()["score"] == "95.0"


def test_full_session_is_409_and_writes_nothing(api, manager, course):
    session = TrainingSessionFactory(course=course, seats=1)
    api.force_authenticate(manager)
    for expected in (201, 409):
        response = api.post(f"{API}/enrolments/",
                            {"session": session.pk, "contact": ContactFactory().pk},
                            format="json")  # fmt: skip
        assert response.status_code == expected
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner"])
def test_non_planners_may_not_enrol(api, users, role, session, contact):
    api.force_authenticate(users[role])
    response = api.post(f"{API}/enrolments/", {"session": session.pk, "contact": contact.pk},
                        format="json")  # fmt: skip
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_customers_refused_lists(api, customer_user):
    api.force_authenticate(customer_user)
    for what in ("courses", "sessions", "enrolments"):
        assert api.get(f"{API}/{what}/").status_code == 403


def test_technician_sees_own_enrolments_and_certificates(api, manager, course, tech, contact):
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    mine = services.enrol(session, actor=manager, technician=tech)
    theirs = services.enrol(session, actor=manager, contact=contact)
    marks = [Mark(mine.pk, True, "passed"), Mark(theirs.pk, True, "passed")]
    services.record_marks(session, marks, actor=manager)
    services.issue_certificates(session, actor=manager)
    api.force_authenticate(tech.user)
    assert [e["id"] for e in api.get(f"{API}/enrolments/").json()["results"]] == [mine.pk]
    certificates = api.get(f"{API}/certificates/").json()["results"]
    assert [c["technician"] for c in certificates] == [tech.pk]
    api.force_authenticate(manager)
    assert len(api.get(f"{API}/certificates/").json()["results"]) == 2


def test_customer_login_lists_own_certificates(api, manager, course, contact):
    from aftersales.accounts.roles import Role
    from aftersales.testing.factories import UserFactory

    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    enrolment = services.enrol(session, actor=manager, contact=contact)
    services.record_marks(session, [Mark(enrolment.pk, True, "passed")], actor=manager)
    [certificate] = services.issue_certificates(session, actor=manager)
    api.force_authenticate(UserFactory(role=Role.CUSTOMER, customer=contact.customer))
    rows = api.get(f"{API}/certificates/").json()["results"]
    assert [r["number"] for r in rows] == [certificate.number]
    api.force_authenticate(UserFactory(role=Role.CUSTOMER, customer=ContactFactory().customer))
    assert api.get(f"{API}/certificates/").json()["results"] == []


def test_api_lists_in_bounded_queries(api, manager, course, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            session = TrainingSessionFactory(
                course=course, starts_at=timezone.now() - datetime.timedelta(hours=2)
            )
            enrolments = [services.enrol(session, actor=manager, contact=ContactFactory())
                          for _ in range(2)]  # fmt: skip
            marks = [Mark(e.pk, True, "passed") for e in enrolments]
            services.record_marks(session, marks, actor=manager)
            services.issue_certificates(session, actor=manager)

    api.force_authenticate(manager)
    fill(1)
    counts = {}
    for what in ("courses", "sessions", "enrolments", "certificates"):
        with django_assert_max_num_queries(10) as few:
            api.get(f"{API}/{what}/")
        counts[what] = len(few.captured_queries)
    fill(4)
    for what, count in counts.items():
        with django_assert_max_num_queries(count):
            assert len(api.get(f"{API}/{what}/").json()["results"]) >= 1
