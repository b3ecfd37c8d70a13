"""End to end in headless Chromium: an agent quotes chargeable work on a request's page
(htmx, no page reloads), the customer accepts on their phone through the link, and the
charge is recorded."""

import pytest
from playwright.sync_api import expect

from aftersales.service.tests.quoting import fresh, make_request, part
from aftersales.warranty.models import Charge, Quote, QuoteStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quote_is_made_sent_accepted_by_link_and_charged(
    browser, live_server, page, login, agent, customer
):
    # given a request out of warranty, and a filter in the catalog
    customer.language = "en"
    customer.save()
    job = make_request(agent, customer)
    filter_ = part(name="空气滤网", unit_price="99.00")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("dialog", lambda dialog: dialog.accept())
    login(agent)
    page.goto(f"/requests/{job.number}/")
    panel = page.locator("#quotes")

    # when the agent starts a quote and picks the part: its name and price fill in
    panel.locator("[data-action=new-quote]").click()
    expect(panel).to_contain_text("started: add its lines")
    # htmx binds the newly swapped form's triggers when it settles: pick the part after
    # that, or the change goes unheard (it did, now and then, on busy machines)
    page.wait_for_function(
        "() => document.querySelector('#quotes select[name=spare_part]')['htmx-internal-data']"
    )
    panel.locator("select[name=spare_part]").select_option(str(filter_.pk))
    expect(panel.locator("input[name=description]")).to_have_value("空气滤网")
    expect(panel.locator("input[name=unit_price]")).to_have_value("99.00")
    panel.locator("input[name=quantity]").fill("2")
    panel.locator("[data-form=line] button[type=submit]").click()
    expect(panel.locator("[data-total]")).to_have_text("198.00 CNY")

    # when they send it: the customer's link is shown
    panel.locator("[data-action=send]").click()
    expect(panel).to_contain_text("is sent")
    link = panel.locator("[data-customer-link]").input_value()
    assert link.startswith(live_server.url + "/q/")

    # when the customer opens the link on their phone (no login) and accepts
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    customer_page = phone.new_page()
    customer_page.on("dialog", lambda dialog: dialog.accept())
    customer_page.goto(link)
    expect(customer_page.locator("[data-number]")).to_have_text(job.number)
    expect(customer_page.locator("[data-total]")).to_have_text("198.00 CNY")
    customer_page.locator("button[value=accept]").click()
    expect(customer_page.locator("[data-outcome=accepted]")).to_be_visible()
    phone.close()

    # then the agent sees it accepted, and records the charge
    page.reload()
    expect(panel.locator("[data-quote-status=accepted]")).to_be_visible()
    expect(panel).to_contain_text("by the customer, through their link")
    panel.locator("[data-action=record-charge]").click()
    expect(panel.locator("[data-charge-status=due]")).to_contain_text("198.00 CNY")
    assert fresh(Quote.objects.get()).status == QuoteStatus.ACCEPTED
    assert Charge.objects.get().amount == 198
    assert errors == []
