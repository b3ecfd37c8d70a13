"""End to end in headless Chromium: an agent logs a call and works the request to closed."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import ProductFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_a_call_for_an_existing_customers_unit(page, login, agent, customer):
    # given a customer with a unit under warranty
    unit = UnitFactory(customer=customer, serial_number="AC20240001")
    login(agent)
    # when the agent types the caller's number as they read it off the phone
    page.goto("/requests/call/")
    page.fill("#lookup-q", "138-0013-8000")
    match = page.locator(f"[data-customer='{customer.pk}']").first
    expect(match).to_be_visible()
    match.click()
    # then the caller, their unit and its warranty are shown
    picked = page.locator(".picked-caller")
    expect(picked).to_contain_text(customer.name)
    expect(picked).to_contain_text("AC20240001")
    expect(picked).to_contain_text("Repair under warranty")
    expect(page.locator(f"#unit-{unit.pk}")).to_be_checked()
    # when they describe the problem and save
    page.fill("textarea[name=description]", "空调不制冷，显示 E1")
    page.select_option("select[name=priority]", "high")
    page.click("#save-call")
    # then the new request's page opens with its number
    expect(page.locator("h1")).to_contain_text("空调不制冷")
    request = ServiceRequest.objects.get()
    assert re.fullmatch(r"SR-\d{4}-\d{6}", request.number)
    assert (request.customer_id, request.unit_id, request.priority) == (
        customer.pk,
        unit.pk,
        "high",
    )
    expect(page).to_have_url(re.compile(f"/requests/{request.number}/$"))


def test_agent_logs_a_call_from_a_new_caller(page, login, agent):
    product = ProductFactory(name="变频空调 KFR-35")
    login(agent)
    page.goto("/requests/call/")
    page.fill("#lookup-q", "139 8888 7777")
    expect(page.locator("#lookup-results")).to_contain_text("No customer or unit matches")
    page.fill("input[name=new_name]", "赵敏")
    page.fill("input[name=new_phone]", "139 8888 7777")
    page.click("summary:has-text('Register a new unit')")
    page.fill("input[name=new_serial]", "KFR35-0001")
    page.select_option("select[name=new_product]", str(product.pk))
    page.fill("textarea[name=description]", "新机安装预约")
    page.select_option("select[name=kind]", "installation")
    page.click("#save-call")
    expect(page.locator(".alert-success")).to_contain_text("created")
    request = ServiceRequest.objects.get()
    assert request.customer.phone_normalized == "+8613988887777"
    assert request.unit.serial_number == "KFR35-0001"


def test_agent_moves_a_request_through_its_states_to_closed(page, login, agent, customer):
    unit = UnitFactory(customer=customer)
    request = ServiceRequest.objects.create(
        number="SR-2026-000042",
        customer=customer,
        unit=unit,
        channel="phone",
        subject="洗衣机漏水",
        received_at=unit.created_at,
    )
    login(agent)
    page.goto(f"/requests/{request.number}/")

    def status_is(status):
        expect(page.locator("#status-line [data-status]")).to_have_attribute("data-status", status)

    page.click("[data-transition=triaged]")
    status_is(Status.TRIAGED)
    # "Start work" without an assignee takes the request
    page.click("[data-transition=in_progress]")
    page.locator("#transition-in_progress button[type=submit]").click()
    status_is(Status.IN_PROGRESS)
    page.click("[data-transition=waiting_customer]")
    status_is(Status.WAITING_CUSTOMER)
    page.click("[data-transition=in_progress]")
    status_is(Status.IN_PROGRESS)
    # resolving asks how, and refuses until the solution is described
    page.click("[data-transition=resolved]")
    dialog = page.locator("#transition-resolved")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=resolution_type]").select_option("onsite")
    dialog.locator("textarea[name=resolution_summary]").fill("更换进水阀，测试无漏水")
    dialog.locator("button[type=submit]").click()
    status_is(Status.RESOLVED)
    page.click("[data-transition=closed]")
    status_is(Status.CLOSED)
    expect(page.locator("#timeline")).to_contain_text("更换进水阀")

    request.refresh_from_db()
    assert request.status == Status.CLOSED
    assert request.assignee == agent
    # and it shows on the customer's page
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator("#requests")).to_contain_text(request.number)
    expect(page.locator("#requests [data-status]")).to_have_attribute("data-status", "closed")


def test_cancelling_needs_a_reason(page, login, agent, customer):
    request = ServiceRequest.objects.create(
        number="SR-2026-000043",
        customer=customer,
        channel="phone",
        subject="重复来电",
        received_at="2026-01-05T10:00:00+08:00",
    )
    login(agent)
    page.goto(f"/requests/{request.number}/")
    page.click("[data-transition=cancelled]")
    dialog = page.locator("#transition-cancelled")
    dialog.locator("textarea[name=note]").fill("客户重复来电，已合并到其他工单")
    dialog.locator("button[type=submit]").click()
    expect(page.locator("#status-line [data-status]")).to_have_attribute("data-status", "cancelled")
    expect(page.locator("#transitions [data-transition]")).to_have_count(0)


def test_language_switch(page, login, agent):
    login(agent)
    page.goto("/requests/?open=true")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
