"""End to end in headless Chromium: a manager looks at the Pareto chart of fault codes,
clicks the tallest bar and lands on the list of exactly the requests it stands for."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from aftersales.faults.tests.conftest import PERIOD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_clicks_a_pareto_bar_and_gets_its_requests(page, login, manager, field_data):
    login(manager)
    page.goto(f"/faults/?{urlencode(PERIOD)}")

    chart = page.locator("#code-chart")
    expect(chart).to_be_visible()
    bars = chart.locator("a.pareto-bar")
    expect(bars).to_have_count(4)
    expect(chart.locator("polyline.pareto-line")).to_be_visible()
    expect(chart.locator("circle.pareto-point")).to_have_count(4)
    expect(page.locator("#rate-chart a.rate-flagged")).to_have_count(1)  # model A

    e1 = str(field_data["codes"]["E1"].pk)
    first = bars.first
    expect(first).to_have_attribute("data-key", e1)  # the tallest bar comes first
    first.locator("rect").click()

    expect(page).to_have_url(re.compile(rf"/faults/requests/\?.*code={e1}"))
    expect(page.locator("#drilldown-title")).to_contain_text("Fault code E1")
    expect(page.locator("#drilldown tbody tr[data-number]")).to_have_count(4)

    page.get_by_role("link", name="Back to fault statistics").click()
    expect(page).to_have_url(re.compile(r"/faults/\?date_from=2026-01-01"))
    page.locator("#rate-chart a.rate-bar[data-sku=SKU-B] rect").click()
    expect(page.locator("#drilldown tbody tr[data-number]")).to_have_count(2)
