"""End to end in headless Chromium: a manager opens fault statistics from the menu, narrows
them to a model and a period, switches to batches and downloads the table for the
product team."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_fault_statistics_by_model_and_batch(page, login, manager, field_data):
    login(manager)
    page.get_by_role("button", name="Customer care").or_(
        page.get_by_role("link", name="Customer care")
    ).click()
    page.get_by_role("link", name="Fault statistics").click()
    expect(page).to_have_url(re.compile(r"/faults/$"))

    filters = page.locator("#fault-filters")
    filters.locator("input[name=date_from]").fill("2026-01-01")
    filters.locator("input[name=date_to]").fill("2026-06-30")
    filters.locator("select[name=product]").select_option(str(field_data["a"].pk))
    filters.locator("button[type=submit]").click()

    rates = page.locator("#rate-table")
    expect(rates.locator("tr[data-sku=SKU-A] [data-rate]")).to_have_text("400.00")
    expect(rates.locator("tr[data-sku=SKU-A] [data-flag]")).to_be_visible()
    expect(rates.locator("tr[data-sku=SKU-B]")).to_have_count(0)
    expect(page.locator("#code-pareto tr[data-code=E1]")).to_contain_text("50.0%")

    page.get_by_role("link", name="By batch").click()
    expect(rates.locator("tr[data-batch='2026-01'] [data-rate]")).to_have_text("750.00")
    with page.expect_download() as download:
        page.locator("#failure-rates [data-export=batches-csv]").click()
    assert download.value.suggested_filename == "faults-batches-20260101-20260630.csv"
