"""The board in a real browser: it runs under the strict CSP without errors, picking a
day reloads it, and "Plan this day" places the waiting visit."""

# ruff: noqa: F811 (the fixtures imported from test_planning are parameters here)

import os

import pytest

from aftersales.dispatch.models import Visit, VisitStatus

from .test_board import board
from .test_planning import (  # noqa: F401 (fixtures)
    DAY,
    aircon,
    make_visit,
    placed_center,
    team,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dispatcher_plans_the_day_in_the_browser(
    page, login, dispatcher, team, aircon, monkeypatch
):
    monkeypatch.setattr("aftersales.dispatch.board_views.PLAN_TIME_LIMIT_S", 1)
    # given a waiting aircon visit
    west, _east = team
    visit = make_visit(west.home_center, skill=aircon, dlon=-0.05)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(dispatcher)
    # when the dispatcher opens the board and presses "Plan this day"
    page.goto(board(west.home_center))
    assert page.locator("#unscheduled [data-visit]").count() == 1
    page.click("form[data-board-plan] button[type=submit]")
    page.wait_for_selector("#last-plan", timeout=30_000)
    # then the visit is a block on a technician's row, and nothing broke the CSP
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED
    assert page.locator(f".board-block[data-visit='{visit.pk}']").count() == 1
    if os.environ.get("BOARD_SCREENSHOT"):
        page.screenshot(path=os.environ["BOARD_SCREENSHOT"], full_page=True)
    # and the map draws the route
    page.click("text=Map")
    page.wait_for_selector("#dispatch-map")
    assert page.locator("[data-route]").count() == 1
    if os.environ.get("BOARD_SCREENSHOT"):
        page.screenshot(path=os.environ["BOARD_SCREENSHOT"] + ".map.png", full_page=True)
    # and choosing the next day in the date field reloads the board for it
    page.fill("input[data-board-day]", DAY.replace(day=DAY.day + 1).isoformat())
    page.dispatch_event("input[data-board-day]", "change")
    page.wait_for_url(f"**day={DAY.replace(day=DAY.day + 1).isoformat()}")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
    assert Visit.objects.filter(status=VisitStatus.SCHEDULED).count() == 1
