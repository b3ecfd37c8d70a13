"""End to end in headless Chromium: an agent runs a refund (day 5) and an exchange (day 10)
from the request page to a closed return."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.returns.models import ReturnAuthorisation
from aftersales.returns.tests.test_return_rules import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_refunds_a_quality_fault_five_days_after_purchase(
    page, login, agent, faulty_request, charger, tmp_path
):
    request = faulty_request(5)
    login(agent)
    page.goto(f"/requests/{request.number}/")
    panel = page.locator("#returns-panel")
    expect(panel).to_contain_text("Refund (return)")
    panel.locator("select[name=kind]").select_option("refund")
    panel.locator("input[name=price_paid]").fill("1999")
    panel.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/returns/rma/RMA-\d{4}-\d{6}/$"))
    expect(page.locator("#status")).to_have_text("Authorised")

    receive = page.locator("#step-receive")
    receive.locator("select[name=condition]").select_option("good")
    receive.get_by_label("充电器").check()
    photo = tmp_path / "front.png"
    photo.write_bytes(PNG)
    receive.locator("input[name=photos]").set_input_files(str(photo))
    receive.locator("button[data-step=receive]").click()
    expect(page.locator("#status")).to_have_text("Item received")

    page.locator("#step-inspect").get_by_label("Yes, fault confirmed").check()
    page.locator("button[data-step=inspect]").click()
    expect(page.locator("#refund-preview")).to_contain_text("refund 1900.00 CNY")

    page.locator("#step-refund select[name=method]").select_option("alipay")
    page.locator("button[data-step=refund]").click()
    expect(page.locator("#refund")).to_contain_text("1900.00 CNY")
    page.locator("button[data-step=close]").click()
    expect(page.locator("#status")).to_have_text("Closed")

    page.goto(f"/requests/{request.number}/")
    expect(page.locator("#timeline")).to_contain_text("Refund of 1900.00 CNY by Alipay")
    expect(page.locator("#returns-panel")).to_contain_text("Closed")


def test_agent_exchanges_a_unit_ten_days_after_purchase(page, login, agent, faulty_request):
    request = faulty_request(10)
    login(agent)
    page.goto(f"/requests/{request.number}/")
    panel = page.locator("#returns-panel")
    panel.locator("select[name=kind]").select_option("exchange")
    panel.locator("button[type=submit]").click()
    page.locator("#step-receive select[name=condition]").select_option("as_new")
    page.locator("button[data-step=receive]").click()
    page.locator("#step-inspect").get_by_label("Yes, fault confirmed").check()
    page.locator("button[data-step=inspect]").click()
    page.locator("#step-exchange input[name=new_serial]").fill("X100-B-0001")
    page.locator("button[data-step=exchange]").click()
    expect(page.locator("#replacement")).to_contain_text("X100-B-0001")
    page.locator("button[data-step=close]").click()
    expect(page.locator("#status")).to_have_text("Closed")
    rma = ReturnAuthorisation.objects.get()
    assert rma.replacement_unit.serial_number == "X100-B-0001"
