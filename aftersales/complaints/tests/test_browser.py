"""End to end in headless Chromium: during the call the agent opens a complaint about a
repair's visit in a few clicks and records the root cause; the manager signs it off."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.complaints.models import Complaint
from aftersales.service import services as request_services
from aftersales.service.choices import ResolutionType, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_opens_a_complaint_and_the_manager_signs_it_off(
    page, login, agent, manager, repair, visit
):
    login(agent)
    page.goto(f"/requests/{repair.number}/")
    page.locator("#complain-about").click()
    expect(page).to_have_url(re.compile(r"/complaints/new/\?request="))
    form = page.locator("#complaint-form")
    form.get_by_label("Critical").check()
    form.locator("select[name=about_visit]").select_option(str(visit.pk))
    form.locator("input[name=subject]").fill("师傅迟到两小时")
    form.locator("input[name=apology_note]").fill("非常抱歉")
    form.locator("button[type=submit]").click()

    complaint = Complaint.objects.get()
    expect(page).to_have_url(re.compile(rf"/requests/{complaint.request.number}/$"))
    panel = page.locator("#complaint-panel")
    expect(panel).to_contain_text("Critical")
    expect(page.locator("#step-apology")).to_contain_text("done")

    cause = page.locator("#cause-form")
    cause.locator("select[name=cause-root_cause]").select_option("late")
    cause.locator("textarea[name=cause-corrective_action]").fill("放宽时间窗")
    cause.locator("button[type=submit]").click()
    expect(page.locator("#step-cause")).to_contain_text("Late or no-show")

    request_services.transition(
        complaint.request, actor=agent, to=Status.RESOLVED,
        resolution_type=ResolutionType.ADVICE, resolution_summary="已致歉",
    )  # fmt: skip
    page.context.clear_cookies()
    login(manager)
    page.goto(f"/requests/{complaint.request.number}/")
    page.locator("#sign-off-form input[name=signoff-note]").fill("同意")
    page.locator("#sign-off-form button[type=submit]").click()
    expect(page.locator("#step-sign-off")).to_contain_text("done")
    complaint.request.refresh_from_db()
    assert complaint.request.status == Status.CLOSED
