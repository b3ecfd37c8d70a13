"""The issue's DONE criterion: a course session can be planned, filled, attended and
certified in the UI, driven through the pages as a manager and the trainer would."""

import datetime
import re

import time_machine
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.field.models import SkillLevel, TechnicianSkill
from aftersales.testing.factories import UserFactory
from aftersales.training.models import Certificate, Course, Enrolment, Session, SessionStatus


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_plan_fill_attend_certify(client, manager, category, gold, contact, contract, tech):
    trainer = UserFactory(username="trainer", role=Role.AGENT)
    client.force_login(manager)
    # A course that certifies technicians at senior level, included in the gold plan.
    response = client.post(reverse("training:course_new"), {
        "title": "空调安装与操作", "audience": "operators", "delivery": "center",
        "duration_hours": "6", "price": "800", "category": category.pk,
        "certifies_level": SkillLevel.SENIOR, "plans": [gold.pk], "active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    course = Course.objects.get(title="空调安装与操作")
    assert list(course.included_in_plans.all()) == [gold]

    starts = timezone.now() + datetime.timedelta(days=3)
    response = client.post(reverse("training:session_new"), {
        "course": course.pk, "starts_at": _local(starts),
        "ends_at": _local(starts + datetime.timedelta(hours=6)), "trainer": trainer.pk,
        "address": "上海培训中心 3 楼", "seats": "2", "open_now": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    session = Session.objects.get(course=course)
    page = reverse("training:session", args=[session.pk])
    assert response["Location"] == page

    # Fill it: search finds the contact and the technician; both enrolled; it is full.
    found = client.get(page, {"q": "李操作"}).content.decode()
    assert f'data-contact="{contact.pk}"' in found
    found = client.get(page, {"q": tech.user.username}).content.decode()
    assert f'data-technician="{tech.pk}"' in found
    enrol = reverse("training:enrol", args=[session.pk])
    assert client.post(enrol, {"contact": contact.pk}).status_code == 302
    assert client.post(enrol, {"technician": tech.pk}).status_code == 302
    html = client.get(page).content.decode()
    assert "included in contract CT-2026-0001" in html
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
    assert 'id="enrol"' not in html  # no enrol form on a full session

    # The roster downloads.
    csv = client.get(page, {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "李操作" in csv.content.decode("utf-8-sig")
    assert client.get(page, {"export": "xlsx"}).status_code == 200

    a = session.enrolments.get(contact=contact)
    b = session.enrolments.get(technician=tech)
    with time_machine.travel(starts + datetime.timedelta(hours=6, minutes=5), tick=False):
        # The trainer (an agent here) marks attendance and results.
        client.force_login(trainer)
        response = client.post(reverse("training:marks", args=[session.pk]), {
            f"attended-{a.pk}": "1", f"result-{a.pk}": "passed", f"score-{a.pk}": "91",
            f"attended-{b.pk}": "1", f"result-{b.pk}": "passed", f"score-{b.pk}": "88.5",
        })  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
        session.refresh_from_db()
        assert session.status == SessionStatus.HELD

        client.force_login(manager)
        html = client.get(page).content.decode()
        assert "Issue 2 certificates" in html
        assert client.post(reverse("training:certify", args=[session.pk])).status_code == 302

    certificates = Certificate.objects.filter(enrolment__session=session).order_by("number")
    assert certificates.count() == 2
    assert all(re.fullmatch(r"TC-\d{4}-\d{5}", c.number) for c in certificates)
    html = client.get(page).content.decode()
    for c in certificates:
        assert reverse("training:certificate", args=[c.number]) in html
        pdf = client.get(reverse("training:certificate", args=[c.number]))
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    # The technician's certification feeds dispatch's skills.
    skill = TechnicianSkill.objects.get(technician=tech, category=category)
    assert skill.level == SkillLevel.SENIOR
    # And the technician sees their certificate on their training page.
    client.force_login(tech.user)
    mine = client.get(reverse("training:home")).content.decode()
    tech_certificate = Certificate.objects.get(enrolment__technician=tech)
    assert tech_certificate.number in mine
    assert Enrolment.objects.get(technician=tech).score == 88.5
