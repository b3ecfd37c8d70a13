"""On a phone in headless Chromium: a person opens /help/, types a serial number and sees
the warranty, types the problem and sees an article, reads it, goes on anyway, attaches a
photo and sends: the request number shows at once. Another time the article solves it,
and that is counted. In Chinese too, by the browser's language or the language switch."""

import io
import re

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from aftersales.kb import services as kb
from aftersales.kb.models import Audience, Deflection
from aftersales.service.models import Attachment, ServiceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _human_speed(settings):
    # Playwright types faster than any person; the minimum time is tested elsewhere.
    settings.INTAKE_FORM_MIN_SECONDS = 0
    cache.clear()


def phone_for(browser, live_server, locale):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    context = phone_for(browser, live_server, "en-US")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_zh(browser, live_server):
    context = phone_for(browser, live_server, "zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def cooling(manager, aircon):
    return kb.create_article(
        manager, publish=True, category=aircon, audience=Audience.PUBLIC,
        title="Air conditioner is not cooling", symptom="The air is not cold",
        steps="Clean the filter and set cooling mode.",
    )  # fmt: skip


@pytest.fixture
def cooling_zh(manager, aircon):
    return kb.create_article(
        manager, publish=True, category=aircon, audience=Audience.PUBLIC,
        title="空调不制冷怎么办", symptom="开机后出风不冷", steps="清洗滤网，检查设定温度和模式",
    )  # fmt: skip


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "JPEG")
    return out.getvalue()


def test_a_person_sends_the_form_with_a_photo_after_reading_an_article(phone, unit, owner, cooling):
    phone.goto("/help/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.fill("#id_phone", owner.phone)
    phone.fill("#id_serial_number", "acx0001")
    found = phone.locator("#unit-info [data-unit=found]")
    expect(found).to_contain_text(unit.product.name)
    expect(found.locator(".decision")).to_have_attribute("data-status", "in_warranty")
    expect(phone.locator("#unit-info")).not_to_contain_text(owner.name)

    phone.fill("#id_description", "My air conditioner is not cooling")
    article = phone.locator(f"#suggested-articles details[data-article='{cooling.pk}']")
    expect(article).to_be_visible()
    article.locator("summary").tap()
    expect(article.get_by_text("Clean the filter and set cooling mode.")).to_be_visible()
    article.locator("[data-intake-continue]").tap()
    expect(article).not_to_have_attribute("open", "")

    phone.set_input_files(
        "#id_photos", files=[{"name": "fault.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    phone.locator("#help-submit").tap()
    number = phone.locator("#request-number")
    expect(number).to_have_text(re.compile(r"SR-\d{4}-\d+"))

    request = ServiceRequest.objects.get(number=number.inner_text().strip())
    assert request.unit == unit and request.customer == owner
    assert Attachment.objects.filter(request=request, original_name="fault.jpg").exists()
    assert Deflection.objects.count() == 0


def test_the_article_solves_it_and_the_deflection_is_counted(phone, cooling):
    phone.goto("/help/")
    phone.fill("#id_description", "air conditioner not cooling")
    article = phone.locator(f"#suggested-articles details[data-article='{cooling.pk}']")
    article.locator("summary").tap()
    article.locator(f"[data-solved='{cooling.pk}']").tap()
    expect(phone.locator("[data-outcome=deflected]")).to_be_visible()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.source) == (cooling, "web_form")
    assert ServiceRequest.objects.count() == 0


def test_in_chinese_by_the_browsers_language(phone_zh, cooling_zh):
    phone_zh.goto("/help/")
    expect(phone_zh.locator("html")).to_have_attribute("lang", "zh-hans")
    phone_zh.fill("#id_description", "空调不制冷")
    article = phone_zh.locator(f"#suggested-articles details[data-article='{cooling_zh.pk}']")
    article.locator("summary").tap()
    expect(article).to_contain_text("清洗滤网")
    article.locator(f"[data-solved='{cooling_zh.pk}']").tap()
    expect(phone_zh.locator("[data-outcome=deflected]")).to_be_visible()
    assert Deflection.objects.filter(article=cooling_zh, source="web_form").count() == 1


def test_in_chinese_by_the_language_switch(phone):
    phone.goto("/help/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.locator("button[name=language][value=zh-hans]").tap()
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    phone.fill("#id_email", "zhang@example.com")
    phone.fill("#id_description", "洗衣机漏水，地上都是水")
    phone.locator("#help-submit").tap()
    expect(phone.locator("#request-number")).to_have_text(re.compile(r"SR-\d{4}-\d+"))
    request = ServiceRequest.objects.get()
    assert request.customer.language == "zh-hans"
