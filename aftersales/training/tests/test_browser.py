"""End to end in headless Chromium: a manager plans a session of a course, fills it with
a customer's contact and a technician, marks both attended and passed, and issues the
certificates, which can be opened from the roster."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.field.models import SkillLevel, TechnicianSkill
from aftersales.training.models import Certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_session_planned_filled_attended_certified(page, login, manager, course, contact, tech):
    course.certifies_level = SkillLevel.CERTIFIED
    course.save()
    login(manager)
    page.goto("/training/")
    page.locator(f"tr[data-course='{course.pk}']").get_by_role(
        "link", name="Plan a session"
    ).click()
    form = page.locator("#session-form")
    now = timezone.now()
    # Started an hour ago, so attendance can be taken straight away.
    form.locator("input[name=starts_at]").fill(_local(now - datetime.timedelta(hours=1)))
    form.locator("input[name=ends_at]").fill(_local(now + datetime.timedelta(hours=3)))
    form.locator("input[name=seats]").fill("2")
    form.locator("input[name=address]").fill("上海培训中心 3 楼")
    form.get_by_role("button", name="Plan the session").click()
    expect(page).to_have_url(re.compile(r"/training/sessions/\d+/$"))

    for query, row in (("李操作", f"[data-contact='{contact.pk}']"),
                       (tech.user.username, f"[data-technician='{tech.pk}']")):  # fmt: skip
        page.locator("#enrol-search input[name=q]").fill(query)
        page.locator("#enrol-search button").click()
        page.locator(f"#enrol-results {row}").get_by_role("button", name="Enrol").click()
        expect(page.locator(".alert-success")).to_contain_text("enrolled")
    expect(page.locator("#seats-left")).to_have_text("0 of 2 seats left")
    expect(page.locator("#session-status")).to_have_text("Full")

    for row in page.locator("#roster tbody tr").all():
        row.locator("input[type=checkbox]").check()
        row.locator("select").select_option("passed")
    page.locator("#save-marks").click()
    expect(page.locator("#session-status")).to_have_text("Held")
    page.locator("#certify").click()
    expect(page.locator(".alert-success")).to_contain_text("2 certificates issued")
    links = page.locator("#roster a[href$='.pdf']")
    expect(links).to_have_count(2)
    assert Certificate.objects.count() == 2
    assert TechnicianSkill.objects.get(technician=tech).level == SkillLevel.CERTIFIED
    response = page.request.get(links.first.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
