"""A field day in the demo, end to end in headless Chromium (issue 5's "done when"):

a) the dispatcher opens tomorrow's board of the Shanghai center, plans the day and sees
   every visit placed on a technician's row or listed with the reason it could not be;
b) the technician, on a phone-sized touch screen, opens "My visits", starts travel,
   checks in, records the diagnosis and the work done, has the customer sign on the pad
   with a finger-drawn stroke and finishes the visit;
c) the customer's email goes out with the signed service form attached (a real PDF);
d) partner staff of another center can neither open the visit (page, PDF, API) nor see it
   on any board or visit list.

The demo is loaded as `make run` loads it, on a fixed Tuesday morning in Shanghai
(time-machine), so the test does not depend on the day or hour it runs.
"""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from aftersales.accounts.models import User
from aftersales.core.demo import DEMO_PASSWORD, load_demo
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field.models import ServiceCenter
from aftersales.testing.seeds import ensure_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI)  # a Tuesday, 08:30
TODAY = NOW.date()
TOMORROW = TODAY + datetime.timedelta(days=1)
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("FIELD_DAY_SCREENSHOTS")  # a folder: look at what people saw


def snap(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def demo_day():
    """The demo world as loaded on NOW; the clock keeps ticking from there."""
    with time_machine.travel(NOW, tick=True):
        ensure_seeded()  # message templates, SLA policies: a transactional test emptied them
        load_demo()
        yield


def sign_in(page, username: str):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("input[name=password]")).to_have_count(0)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 31.2304, "longitude": 121.5447},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser, live_server):
    """Another person's desktop browser (cookies of its own)."""
    contexts = []

    def _open():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def draw_signature(page) -> None:
    """A finger stroke across the pad: real touch events, as a phone's screen sends them."""
    pad = page.locator("[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    points = [
        {"x": box["x"] + 20 + step * 22, "y": box["y"] + 50 + (step % 4) * 18} for step in range(14)
    ]
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points[:1]})
    for point in points[1:]:
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()
    # The finger lifts before the next tap, as a person's does: in headless Chromium a tap
    # that follows the stroke's end within a few hundred milliseconds is not clicked.
    page.wait_for_timeout(1000)
    # the stroke is on the canvas: some of its pixels are no longer blank
    inked = page.evaluate(
        """(canvas) => canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height)
            .data.some((value, i) => i % 4 === 3 && value > 0)""",
        pad.element_handle(),
    )
    assert inked


def test_a_field_day_from_planning_to_the_signed_form_in_the_customers_mailbox(
    demo_day, desk, phone, mailoutbox, monkeypatch
):
    monkeypatch.setattr("aftersales.dispatch.board_views.PLAN_TIME_LIMIT_S", 2)
    shanghai = ServiceCenter.objects.get(code="SC-SH01")

    # --- a) the dispatcher plans tomorrow for the Shanghai center ------------------------
    waiting = set(Visit.objects.filter(center=shanghai, day=TOMORROW).values_list("pk", flat=True))
    assert len(waiting) >= 5
    board = desk()
    sign_in(board, "dispatcher")
    board.goto(f"/dispatch/?center={shanghai.pk}&day={TOMORROW.isoformat()}")
    expect(board.locator("#unscheduled [data-visit]")).to_have_count(len(waiting))
    board.click("form[data-board-plan] button[type=submit]")
    board.wait_for_selector("#last-plan", timeout=60_000)
    placed, explained = set(), {}
    for pk in waiting:
        if board.locator(f".board-block[data-visit='{pk}']").count() == 1:
            placed.add(pk)
        else:
            line = board.locator(f"#unplanned li[data-visit='{pk}']")
            expect(line).to_have_count(1)
            explained[pk] = line.inner_text()
    snap(board, "1-board-planned")
    assert placed | set(explained) == waiting
    assert len(placed) > len(explained)
    assert all(len(reason) > 30 for reason in explained.values()), explained
    assert Visit.objects.filter(pk__in=placed, status=VisitStatus.SCHEDULED).count() == len(placed)

    # --- b) the technician does today's first visit on the phone -------------------------
    tech = User.objects.get(username="tech")
    visit = (
        Visit.objects.filter(technician__user=tech, day=TODAY)
        .select_related("request__customer")
        .order_by("sequence")
        .first()
    )
    customer = visit.request.customer
    assert customer.email
    sign_in(phone, "tech")
    phone.goto("/visits/")
    card = phone.locator(f"#visit-{visit.pk}")
    expect(card).to_contain_text(customer.name)
    # the phone page fits the screen: nothing to scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    snap(phone, "2-phone-my-visits")
    card.get_by_role("link", name="Open visit").tap()
    phone.locator("#start-travel").tap()
    expect(phone.locator("#visit-status")).to_have_text("Travelling")
    phone.locator("#check-in").tap()
    expect(phone.locator("#visit-status")).to_have_text("On site")
    codes = phone.locator("select[name=fault_codes] option")
    if codes.count():
        phone.select_option("select[name=fault_codes]", index=0)
    phone.fill("textarea[name=work_done]", "更换四通阀线圈，试机制热正常")
    phone.check("input[name=fixed][value=yes]")
    phone.fill("textarea[name=customer_comment]", "师傅很准时")
    phone.select_option("select[name=customer_rating]", "5")
    phone.fill("input[name=signed_by]", "李经理")
    draw_signature(phone)
    snap(phone, "3-phone-signed")
    phone.locator("#check-out").tap()
    expect(phone.locator("#visit-status")).to_have_text("Completed")
    expect(phone.locator("#visit-pdf")).to_be_visible()
    snap(phone, "4-phone-completed")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.signed_by == "李经理" and visit.signature.read().startswith(b"\x89PNG")
    assert visit.check_in_latitude is not None
    form = phone.request.get(phone.locator("#visit-pdf").get_attribute("href"))
    assert form.status == 200 and form.body().startswith(b"%PDF")

    # --- c) the customer's mail arrives with the signed service form ---------------------
    signed = [
        (message, attachment)
        for message in mailoutbox
        for attachment in message.attachments
        if customer.email in message.to
    ]
    assert len(signed) == 1, [m.subject for m in mailoutbox]
    message, (name, content, mimetype) = signed[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    assert content.startswith(b"%PDF")
    assert visit.request.number in message.subject + message.body

    # --- d) partner staff of another center see none of it ------------------------------
    partner = User.objects.get(username="partner")
    assert partner.service_center_id != shanghai.pk
    outsider = desk()
    sign_in(outsider, "partner")
    assert outsider.goto(f"/visits/{visit.pk}/").status == 404
    assert outsider.goto(f"/visits/{visit.pk}/form.pdf").status == 404
    assert outsider.goto(f"/dispatch/centers/{shanghai.pk}/?day={TODAY}").status == 404
    assert outsider.request.get(f"/api/v1/visits/{visit.pk}/").status == 404
    outsider.goto(f"/visits/?day={TODAY}")
    expect(outsider.locator(f"#visit-{visit.pk}")).to_have_count(0)
    # their own center's board opens, tomorrow with their own visits, none of Shanghai's
    for day in (TODAY, TOMORROW):
        outsider.goto(f"/dispatch/?day={day.isoformat()}")
        expect(outsider.locator("h1")).to_contain_text(partner.service_center.name)
        expect(outsider.locator("#board-pick option", has_text=shanghai.name)).to_have_count(0)
        for pk in [visit.pk, *waiting]:
            expect(outsider.locator(f"[data-visit='{pk}']")).to_have_count(0)
    expect(outsider.locator("#unscheduled [data-visit]")).not_to_have_count(0)
    snap(outsider, "5-partner-own-board")
