"""The customer portal on a phone (390×844) in headless Chromium: register a unit with an
invoice photo and see its warranty end, ask for service (an article is suggested; they go
on), follow the request, reply, accept a quote; another customer's request is not found."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.core.tests import files
from aftersales.kb.services import create_article
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.quoting import make_request, quote_in
from aftersales.testing.factories import PASSWORD, ProductFactory, ServiceRequestFactory
from aftersales.warranty.dates import add_months
from aftersales.warranty.models import QuoteStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_page(browser, live_server, locale):
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def phone(browser, live_server):
    context, page = phone_page(browser, live_server, "en-US")
    yield page
    context.close()


@pytest.fixture
def phone_zh(browser, live_server):
    context, page = phone_page(browser, live_server, "zh-CN")
    yield page
    context.close()


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/my/")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_customer_uses_the_portal_on_a_phone(phone, customer_user, customer, agent, manager):
    product = ProductFactory(name="变频空调 KFR-35", sku="KFR-35")
    article = create_article(
        manager,
        title="Air conditioner not cooling",
        symptom="The air conditioner blows warm air",
        steps="1. Set the remote to cooling mode\n2. Clean the filter",
        audience="public",
        publish=True,
    )
    # Staff have sent a quote on an earlier request of this customer's.
    earlier = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, earlier, agent)
    phone.on("dialog", lambda dialog: dialog.accept())

    # The customer logs in and lands on the portal.
    log_in(phone, customer_user)
    expect(phone.locator("[data-action=ask]")).to_be_visible()
    assert fits(phone)

    # They register a unit they bought, with a photo of the invoice.
    phone.locator("[data-tab=units]").tap()
    phone.locator("[data-action=register]").tap()
    bought = timezone.localdate() - datetime.timedelta(days=40)
    phone.fill("#id_serial_number", "kfr35-0001")
    phone.select_option("#id_product", str(product.pk))
    phone.fill("#id_purchased_on", bought.isoformat())
    phone.set_input_files(
        "#id_invoice", {"name": "发票.png", "mimeType": "image/png", "buffer": files.png()}
    )
    assert fits(phone)
    phone.locator("#register-form button[type=submit]").tap()
    expect(phone.locator("[data-serial]")).to_have_text("KFR35-0001")
    ends = add_months(bought, 12)
    expect(phone.locator("[data-warranty-ends]")).to_contain_text(ends.isoformat())
    assert fits(phone)

    # They ask for service for it; an article is suggested, they go on anyway.
    phone.locator("[data-action=ask]").tap()
    phone.locator("label[for=id_kind_0]").tap()
    phone.locator("#id_description").press_sequentially("Air conditioner not cooling")
    suggestion = phone.locator(f"[data-suggestions] [data-article='{article.pk}']")
    expect(suggestion).to_contain_text("Air conditioner not cooling")
    assert fits(phone)
    phone.locator("[data-submit-once]").tap()
    expect(phone.locator("#status")).to_contain_text("We have received your request")
    request = ServiceRequest.objects.exclude(pk=earlier.pk).get()
    assert request.unit.serial_number == "KFR35-0001" and request.channel == "portal"
    expect(phone.locator("[data-number]")).to_have_text(request.number)

    # It is in their list; they open it and reply.
    phone.locator("[data-tab=requests]").tap()
    phone.locator(f"#open-requests [data-request='{request.number}']").tap()
    phone.fill("#id_body", "I am home after 6 pm")
    phone.locator("#reply-form [data-submit-once]").tap()
    expect(phone.locator("#timeline")).to_contain_text("I am home after 6 pm")
    assert fits(phone)

    # They accept the quote staff sent on the earlier request.
    phone.locator("[data-tab=requests]").tap()
    phone.locator(f"[data-request='{earlier.number}']").tap()
    expect(phone.locator(f"[data-quote='{quote.pk}'] [data-total]")).to_contain_text(
        str(quote.total)
    )
    phone.locator(f"[data-quote='{quote.pk}'] [data-answer=accept]").tap()
    expect(phone.locator(".alert-success")).to_contain_text("you accepted the quote")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    # Another customer's request number in the address is not found.
    others = ServiceRequestFactory(subject="别人的")
    response = phone.goto(f"/my/requests/{others.number}/")
    assert response.status == 404
    assert "别人的" not in phone.content()


def test_the_portal_in_chinese(phone_zh, customer_user, customer):
    request = ServiceRequestFactory(customer=customer, subject="热水器不出热水")
    log_in(phone_zh, customer_user)
    expect(phone_zh.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone_zh.get_by_role("button", name="退出登录")).to_be_visible()
    phone_zh.locator(f"[data-request='{request.number}']").tap()
    expect(phone_zh.locator("h1")).to_have_text("热水器不出热水")
    phone_zh.fill("#id_body", "明天上午在家")
    phone_zh.locator("#reply-form [data-submit-once]").tap()
    expect(phone_zh.locator("#timeline")).to_contain_text("明天上午在家")
    assert fits(phone_zh)
    phone_zh.locator("[data-tab=units]").tap()
    phone_zh.locator("[data-action=register]").tap()
    expect(phone_zh.locator("label[for=id_serial_number]")).to_have_text("序列号")
    expect(phone_zh.locator("label[for=id_purchased_on]")).to_have_text("购买日期")
    assert fits(phone_zh)
