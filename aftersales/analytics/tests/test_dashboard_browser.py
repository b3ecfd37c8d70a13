"""In headless Chromium: a manager opens the quality dashboard, narrows it to one channel,
clicks a number and lands on the requests behind it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_drills_down_from_the_dashboard(page, login, manager, month):
    login(manager)
    page.locator("#nav-quality").click()
    expect(page.locator("h1")).to_contain_text("Service quality")
    # the hand-made month
    page.fill("#id_start", "2026-11-01")
    page.fill("#id_end", "2026-11-30")
    page.locator("#apply-filters").click()
    opened = page.locator("[data-kpi=opened] .kpi-value")
    expect(opened).to_have_text("6")
    expect(page.locator("#trend-chart")).to_be_visible()
    # only what came by email
    page.select_option("#id_channel", "email")
    page.locator("#apply-filters").click()
    expect(opened).to_have_text("1")
    # the number leads to the request behind it
    opened.click()
    expect(page.locator("#drilldown-title")).to_contain_text("Requests opened")
    rows = page.locator("#drilldown tbody tr[data-number]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-number", month["B"].number)
    # and from there to the request itself
    rows.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/requests/{month['B'].number}/$"))
