"""End to end in headless Chromium: from a customer's page a manager opens their key
account, sees the health score with its reasons, then the list sorted by cost both ways."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from aftersales.care.tests.conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_a_key_account(page, login, manager, book):
    with time_machine.travel(NOW, tick=True):
        login(manager)
        page.goto(f"/customers/{book['acme'].pk}/")
        page.locator("[data-key-account]").click()
        expect(page).to_have_url(re.compile(rf"/care/key-accounts/{book['acme'].pk}/$"))
        health = page.locator("#health")
        expect(health.locator("[data-score]")).to_have_text("40")
        expect(health.locator("[data-reason=low_csat]")).to_contain_text("CSAT 2.0 of 5")
        expect(page.locator("#satisfaction tr[data-quarter='2026 Q1']")).to_contain_text("-100")

        page.get_by_role("link", name="All key accounts").click()
        rows = page.locator("#key-accounts tbody tr")
        expect(rows.first).to_have_attribute("data-score", "40")
        sort_by_cost = page.locator("#key-accounts thead a", has_text="Cost to serve")
        sort_by_cost.click()  # the cheapest first
        expect(page).to_have_url(re.compile(r"sort=cost$"))
        expect(rows.first).to_have_attribute("data-score", "85")
        sort_by_cost.click()  # then the most expensive first
        expect(page).to_have_url(re.compile(r"sort=-cost$"))
        expect(rows.first).to_have_attribute("data-score", "40")
