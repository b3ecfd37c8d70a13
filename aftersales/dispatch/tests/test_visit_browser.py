"""On a phone (375×812) in headless Chromium: the technician travels, checks in with the
phone's position and checks out with a signature drawn on the pad."""

import pytest
from playwright.sync_api import expect

from aftersales.dispatch.models import VisitStatus
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.field.models import Technician
from aftersales.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 31.2304, "longitude": 121.4737},
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_technician_does_a_visit_on_the_phone(phone, technician, scheduled, sr):
    # given the technician signed in on their phone
    phone.goto("/accounts/login/")
    phone.fill("input[name=username]", technician.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    # when they open today's visits and the first one
    phone.goto("/visits/")
    card = phone.locator(f"#visit-{scheduled.pk}")
    expect(card).to_contain_text(sr.customer.name)
    card.get_by_role("link", name="Open visit").click()
    # and start travelling, then check in
    phone.click("#start-travel")
    expect(phone.locator("#visit-status")).to_have_text("Travelling")
    expect(phone.locator("[data-geo-status]").first).to_contain_text("GPS")
    phone.click("#check-in")
    expect(phone.locator("#visit-status")).to_have_text("On site")
    # and fill in the check-out form with the customer's signature drawn on the pad
    phone.fill("textarea[name=work_done]", "更换启动电容，试机正常")
    phone.check("input[name=fixed][value=yes]")
    phone.select_option("select[name=customer_rating]", "5")
    phone.fill("input[name=signed_by]", "王小明")
    pad = phone.locator("[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    phone.mouse.up()
    phone.click("#check-out")
    # then the visit is completed with the position and the signature stored
    expect(phone.locator("#visit-status")).to_have_text("Completed")
    expect(phone.locator("#visit-pdf")).to_be_visible()
    scheduled.refresh_from_db()
    assert scheduled.status == VisitStatus.COMPLETED
    assert float(scheduled.check_in_latitude) == pytest.approx(31.2304)
    assert scheduled.signature.read().startswith(b"\x89PNG")
    assert Technician.objects.get(user=technician).last_seen_at is not None
