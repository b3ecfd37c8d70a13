"""End to end in headless Chromium: a manager writes a monitoring rule, the unit reports,
and the monitoring page and the unit's page show the alarm, the request and the chart."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.iot import services
from aftersales.testing.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sets_a_rule_and_follows_the_alarm_to_the_unit(page, login, manager):
    unit = UnitFactory(serial_number="HXB-0001")
    login(manager)
    page.goto("/monitoring/")
    page.get_by_role("link", name="New rule").click()
    page.locator("select[name=product]").select_option(str(unit.product_id))
    page.fill("input[name=name]", "Compressor too hot")
    page.locator("select[name=kind]").select_option("over")
    page.fill("input[name=metric]", "temperature")
    page.fill("input[name=threshold]", "")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(
        "threshold as a number"
    )
    page.fill("input[name=threshold]", "80")
    page.fill("input[name=minutes]", "10")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#rules")).to_contain_text("Compressor too hot")

    now = timezone.now()
    for minute in range(0, 60, 4):
        at = now - datetime.timedelta(minutes=60 - minute)
        temperature = 70 + minute / 2
        services.ingest(
            unit.serial_number,
            {
                "at": at.isoformat(),
                "metrics": {"temperature": temperature, "run_hours": 500 + minute},
            },
        )
    page.reload()
    alarms = page.locator("#alarms")
    expect(alarms).to_contain_text("HXB-0001")
    expect(alarms).to_contain_text("SR-")
    if os.environ.get("IOT_SCREENSHOT"):
        page.screenshot(path=os.environ["IOT_SCREENSHOT"] + ".home.png", full_page=True)

    alarms.get_by_role("link", name="HXB-0001").click()
    panel = page.locator("#iot-panel")
    expect(panel.locator("#iot-chart polyline")).to_have_count(1)
    expect(panel.locator("#iot-chart .iot-threshold")).to_have_count(1)
    expect(panel.locator("#iot-alarms")).to_contain_text("Compressor too hot")
    if os.environ.get("IOT_SCREENSHOT"):
        page.screenshot(path=os.environ["IOT_SCREENSHOT"] + ".24h.png", full_page=True)
    panel.locator("select[name=metric]").select_option("run_hours")
    panel.locator("select[name=period]").select_option("7d")
    panel.get_by_role("button", name="Show").click()
    expect(page.locator("#iot-panel select[name=metric]")).to_have_value("run_hours")
    expect(page.locator("#iot-chart polyline")).to_have_count(1)
    if os.environ.get("IOT_SCREENSHOT"):
        page.screenshot(path=os.environ["IOT_SCREENSHOT"], full_page=True)
