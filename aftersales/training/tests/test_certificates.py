"""Attendance, results and certificates; a certificate raises a technician's skill in the
same transaction, never lowers it, and keeps the raise in history."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.field.models import SkillLevel, TechnicianSkill
from aftersales.testing.factories import (
    CategoryFactory,
    TrainingCourseFactory,
    TrainingSessionFactory,
    TrainingTechnicianFactory,
)
from aftersales.training import services
from aftersales.training.models import Certificate, SessionStatus, SkillRaise
from aftersales.training.services import Mark


def _held(manager, course, *technicians, passed=True):
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=5)
    )
    enrolments = [services.enrol(session, actor=manager, technician=t) for t in technicians]
    marks = [Mark(e.pk, True, "passed" if passed else "failed", None) for e in enrolments]
    services.record_marks(session, marks, actor=manager)
    return session


@pytest.fixture
def senior_course(category):
    return TrainingCourseFactory(category=category, certifies_level=SkillLevel.SENIOR)


def test_certificate_creates_the_skill(manager, senior_course, tech, category):
    session = _held(manager, senior_course, tech)
    [certificate] = services.issue_certificates(session, actor=manager)
    assert TechnicianSkill.objects.get(technician=tech, category=category).level == 3
    raise_ = SkillRaise.objects.get(certificate=certificate)
    assert (raise_.from_level, raise_.to_level) == (None, SkillLevel.SENIOR)


def test_certificate_raises_a_lower_skill(manager, senior_course, tech, category):
    TechnicianSkill.objects.create(technician=tech, category=category, level=SkillLevel.TRAINEE)
    services.issue_certificates(_held(manager, senior_course, tech), actor=manager)
    assert TechnicianSkill.objects.get(technician=tech, category=category).level == 3
    assert SkillRaise.objects.get().from_level == SkillLevel.TRAINEE


def test_certificate_never_lowers_a_skill(manager, senior_course, tech, category):
    TechnicianSkill.objects.create(technician=tech, category=category, level=SkillLevel.EXPERT)
    [certificate] = services.issue_certificates(_held(manager, senior_course, tech), actor=manager)
    assert certificate.number
    assert TechnicianSkill.objects.get(technician=tech, category=category).level == 4
    assert not SkillRaise.objects.exists()


def test_other_categories_untouched(manager, senior_course, tech):
    other = CategoryFactory(code="WM", name="洗衣机")
    TechnicianSkill.objects.create(technician=tech, category=other, level=SkillLevel.TRAINEE)
    services.issue_certificates(_held(manager, senior_course, tech), actor=manager)
    assert TechnicianSkill.objects.get(technician=tech, category=other).level == 1


def test_failed_or_absent_get_no_certificate(manager, senior_course, tech):
    session = _held(manager, senior_course, tech, passed=False)
    assert services.issue_certificates(session, actor=manager) == []
    assert not TechnicianSkill.objects.filter(technician=tech).exists()


def test_issuing_twice_issues_once(manager, senior_course, tech):
    other = TrainingTechnicianFactory()
    session = _held(manager, senior_course, tech, other)
    first = services.issue_certificates(session, actor=manager)
    assert len(first) == 2 and first[0].number != first[1].number
    assert services.issue_certificates(session, actor=manager) == []
    assert Certificate.objects.count() == 2


def test_not_before_the_session_is_held(manager, session, tech):
    services.enrol(session, actor=manager, technician=tech)
    with pytest.raises(Conflict):
        services.issue_certificates(session, actor=manager)


def test_attendance_not_before_the_start(manager, session, tech):
    enrolment = services.enrol(session, actor=manager, technician=tech)
    with pytest.raises(Conflict, match="started"):
        services.record_marks(session, [Mark(enrolment.pk, True)], actor=manager)
    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=1)):
        services.record_marks(session, [Mark(enrolment.pk, True)], actor=manager)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_absent_cannot_pass_and_score_bounded(manager, course, tech):
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    enrolment = services.enrol(session, actor=manager, technician=tech)
    with pytest.raises(DomainError, match="attended"):
        services.record_marks(session, [Mark(enrolment.pk, False, "passed")], actor=manager)
    with pytest.raises(DomainError, match="between 0 and 100"):
        services.record_marks(session, [Mark(enrolment.pk, True, "passed", 101)], actor=manager)
    enrolment.refresh_from_db()
    assert enrolment.attendance == "" and enrolment.result == ""


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_only_trainer_and_planners_mark(users, role, manager, course, tech):
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    enrolment = services.enrol(session, actor=manager, technician=tech)
    with pytest.raises(NotAllowed):
        services.record_marks(session, [Mark(enrolment.pk, True)], actor=users[role])
    session.trainer = users["dispatcher"]
    session.save()
    if role == "dispatcher":  # now the trainer
        services.record_marks(session, [Mark(enrolment.pk, True)], actor=users[role])


def test_only_planners_issue(dispatcher, manager, senior_course, tech):
    session = _held(manager, senior_course, tech)
    with pytest.raises(NotAllowed):
        services.issue_certificates(session, actor=dispatcher)
    assert not Certificate.objects.exists()


def test_the_certificate_lets_dispatch_give_the_technician_senior_work(
    manager, dispatcher, senior_course, tech, category
):
    """Skills feed dispatch: a visit that needs a senior is refused to a trainee, and
    scheduled once the senior course's certificate is issued."""
    from aftersales.dispatch import services as dispatch
    from aftersales.dispatch.models import Visit
    from aftersales.testing.factories import ServiceRequestFactory

    TechnicianSkill.objects.create(technician=tech, category=category, level=SkillLevel.TRAINEE)
    visit = Visit.objects.create(
        request=ServiceRequestFactory(), center=tech.home_center, skill=category,
        skill_level=SkillLevel.SENIOR,
    )  # fmt: skip
    start = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="not yet at level"):
        dispatch.schedule(visit, actor=dispatcher, technician=tech, planned_start=start)
    services.issue_certificates(_held(manager, senior_course, tech), actor=manager)
    visit.refresh_from_db()
    dispatch.schedule(visit, actor=dispatcher, technician=tech, planned_start=start)
    visit.refresh_from_db()
    assert visit.technician == tech
