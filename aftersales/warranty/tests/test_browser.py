"""End to end in headless Chromium: an agent sells an extended warranty on the phone; a
manager quotes a contract from the customer's page and records the customer's yes."""

import datetime

import pytest
from playwright.sync_api import expect

from aftersales.testing.factories import UnitFactory
from aftersales.warranty.models import ContractStatus, ExtendedWarranty, ServiceContract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_adds_an_extended_warranty_on_the_unit_page(page, login, agent, customer):
    # given a unit bought in May 2024
    unit = UnitFactory(
        customer=customer, serial_number="FR2024000777", purchased_on=datetime.date(2024, 5, 1)
    )
    login(agent)
    page.goto(f"/units/{unit.pk}/")
    cover = page.locator("#unit-cover")
    expect(cover).to_contain_text("No extended warranty or contract.")

    # when the agent opens the form and gets the end date wrong
    cover.locator("summary").click()
    page.fill("#id_ew_name", "延保三年")
    page.fill("#id_ew_ends_on", "2025-01-01")
    cover.locator("button[type=submit]").click()

    # then the card says what is wrong, in place, keeping what was typed
    expect(cover).to_contain_text("The cover must end after it starts (2025-05-02).")
    expect(page.locator("#id_ew_name")).to_have_value("延保三年")

    # when it is corrected
    page.fill("#id_ew_ends_on", "2028-05-01")
    page.locator("#unit-cover button[type=submit]").click()

    # then the cover is listed on the unit
    expect(page.locator("#unit-cover")).to_contain_text("Extended warranty 延保三年 added.")
    expect(page.locator("#unit-cover")).to_contain_text("2025-05-02 – 2028-05-01")
    assert ExtendedWarranty.objects.get().unit == unit


def test_manager_quotes_a_contract_and_the_customer_accepts(page, login, manager, customer, gold):
    UnitFactory(customer=customer, serial_number="AC2025000001")
    login(manager)

    # when the manager makes a quote from the customer's page
    page.goto(f"/customers/{customer.pk}/")
    page.click("text=New contract")
    page.select_option("select[name=plan]", str(gold.pk))
    page.fill("input[name=starts_on]", datetime.date.today().isoformat())
    page.click("button:has-text('Make the quote')")

    # then the quote's page opens, and accepting it makes it active
    contract = ServiceContract.objects.get()
    expect(page.locator("h1")).to_contain_text(contract.number)
    page.click("[data-action=accept]")
    expect(page.locator("h1")).to_contain_text("Active")
    expect(page.locator("#history")).to_contain_text("Became active")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
