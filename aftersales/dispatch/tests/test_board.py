"""What a dispatcher sees and does on the board: the day, the map, planning, moving by
hand, suggestions; and who may open it."""

# ruff: noqa: F811 (the fixtures imported from test_planning are parameters here)

import datetime

import pytest
from django.urls import reverse

from aftersales.dispatch.board_views import SESSION_KEY
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field.models import Absence

from .test_planning import (  # noqa: F401 (fixtures)
    DAY,
    aircon,
    at,
    make_tech,
    make_visit,
    placed_center,
    team,
    wall_unit,
    washer,
)


@pytest.fixture(autouse=True)
def _short_plans(monkeypatch):
    """The page gives the solver 10 s; these small days are solved well within 1 s."""
    monkeypatch.setattr("aftersales.dispatch.board_views.PLAN_TIME_LIMIT_S", 1)


def board(center, day=DAY):
    return f"{reverse('board:day', args=[center.pk])}?day={day.isoformat()}"


def map_url(center, day=DAY):
    return f"{reverse('board:map', args=[center.pk])}?day={day.isoformat()}"


@pytest.fixture
def day_of_work(team, aircon, washer):
    """Li has a planned visit at 09:00, one visit waits, one needs a washer skill."""
    west, east = team
    center = west.home_center
    planned = make_visit(
        center, skill=aircon, dlon=-0.07, technician=west, status=VisitStatus.SCHEDULED,
        planned_start=at(9), sequence=1,
    )  # fmt: skip
    waiting = make_visit(center, skill=aircon, dlon=0.05, window_start=at(13), window_end=at(15))
    odd = make_visit(center, skill=washer)
    return center, planned, waiting, odd


# --- The board ----------------------------------------------------------------------------


def test_the_board_shows_technicians_blocks_and_waiting_visits(
    client, dispatcher, day_of_work, django_assert_max_num_queries
):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    # when the dispatcher opens the day (more visits must not mean more queries)
    for k in range(5):
        make_visit(center, dlat=0.001 * k)
    with django_assert_max_num_queries(14):
        response = client.get(board(center))
    assert response.status_code == 200
    html = response.content.decode()
    # then the technicians are rows, the planned visit is a block at 09:00, the others wait
    assert 'data-technician="li"' in html and 'data-technician="zhao"' in html
    assert "09:00 " + planned.request.number in html
    assert "left: 8.33%" in html  # 09:00 on an 08:00–20:00 axis
    unscheduled = html.split('id="unscheduled"')[1]
    assert waiting.request.number in unscheduled and odd.request.number in unscheduled
    assert "13:00–15:00" in unscheduled
    assert "Plan this day" in html
    assert "<script>" not in html.replace(" ", "")  # no inline script (CSP)
    assert "dispatch/board.js" in html


def test_planning_from_the_board_places_visits_and_lists_the_misses_with_reasons(
    client, dispatcher, day_of_work
):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    # when the dispatcher presses "Plan this day"
    response = client.post(
        reverse("board:plan", args=[center.pk]), {"day": DAY.isoformat()}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    # then the waiting visit is placed and the washer visit is explained
    waiting.refresh_from_db()
    assert waiting.status == VisitStatus.SCHEDULED
    assert f'data-visit="{odd.pk}" data-reason="no_skill"' in html
    assert "No technician working that day has the required skill." in html
    assert "Planned 2 visits; 1 could not be placed." in html


def test_an_absent_technician_is_marked_and_a_re_plan_is_offered(client, dispatcher, team):
    west, east = team
    visit = make_visit(
        west.home_center, dlon=0.07, technician=east, status=VisitStatus.SCHEDULED,
        planned_start=at(10),
    )  # fmt: skip
    Absence.objects.create(technician=east, starts_on=DAY, ends_on=DAY, reason="sick")
    client.force_login(dispatcher)
    html = client.get(board(west.home_center)).content.decode()
    assert "data-absent>Sick<" in html
    assert f"{east.user} is absent but still has 1 visit on this day." in html
    assert "Re-plan this day" in html
    assert reverse("field:absence_add", args=[west.pk]) in html
    # when re-planned, Li takes the visit
    client.post(reverse("board:plan", args=[west.home_center.pk]), {"day": DAY.isoformat()})
    visit.refresh_from_db()
    assert visit.technician == west


def test_the_map_draws_the_center_starts_visits_and_routes(client, dispatcher, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    html = client.get(map_url(center)).content.decode()
    assert '<svg id="dispatch-map"' in html
    assert "data-center" in html
    assert 'data-start="li"' in html and 'data-start="zhao"' in html
    assert 'data-route="li"' in html and 'data-route="zhao"' not in html  # zhao has no stops
    for visit in (planned, waiting, odd):
        assert f'data-visit="{visit.pk}"' in html
    assert "tile" not in html.lower()  # no external map tiles


def test_moving_a_visit_by_hand_pins_it(client, dispatcher, day_of_work):
    center, planned, waiting, odd = day_of_work
    east = center.technicians.get(user__username="zhao")
    client.force_login(dispatcher)
    response = client.post(
        reverse("board:move", args=[waiting.pk]),
        {"technician": east.pk, "planned_start": f"{DAY.isoformat()}T14:00"},
    )
    assert response.status_code == 302 and response.url == board(center)
    waiting.refresh_from_db()
    assert (waiting.technician, waiting.planned_start, waiting.pinned) == (east, at(14), True)


def test_a_refused_move_says_why_and_changes_nothing(client, dispatcher, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    response = client.post(
        reverse("board:move", args=[waiting.pk]),
        {"technician": planned.technician_id, "planned_start": f"{DAY.isoformat()}T18:00"},
        follow=True,
    )
    assert "outside the window agreed with the customer" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.technician is None and not waiting.pinned


def test_suggestions_show_reasons_and_assign(client, dispatcher, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    html = client.get(reverse("board:suggest", args=[waiting.pk])).content.decode()
    assert "Has the required skill." in html
    assert "Can start at 13:00." in html
    assert html.index('data-technician="zhao"') < html.index('data-technician="li"')
    east = center.technicians.get(user__username="zhao")
    response = client.post(
        reverse("board:assign", args=[waiting.pk]),
        {"technician": east.pk, "planned_start": f"{DAY.isoformat()}T13:00"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.technician, waiting.planned_start, waiting.pinned) == (east, at(13), True)


def test_the_last_plan_is_shown_only_on_its_own_day(client, dispatcher, day_of_work):
    center, *_ = day_of_work
    client.force_login(dispatcher)
    client.post(reverse("board:plan", args=[center.pk]), {"day": DAY.isoformat()})
    assert client.session[SESSION_KEY]["day"] == DAY.isoformat()
    html = client.get(board(center, DAY + datetime.timedelta(days=1))).content.decode()
    assert 'id="last-plan"' not in html


# --- Who may ------------------------------------------------------------------------------

PAGES = ["day", "map", "suggest"]
POSTS = ["plan", "move", "assign"]


def _url(name, center, visit):
    if name in ("day", "map", "plan"):
        return reverse(f"board:{name}", args=[center.pk])
    return reverse(f"board:{name}", args=[visit.pk])


@pytest.mark.parametrize("name", PAGES + POSTS)
@pytest.mark.parametrize("who", ["admin_user", "manager", "dispatcher"])
def test_the_back_office_planners_may_use_every_page(request, client, who, name, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(request.getfixturevalue(who))
    url = _url(name, center, waiting)
    if name in POSTS:
        response = client.post(url, {"day": DAY.isoformat()})
        assert response.status_code == 302
    else:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", PAGES + POSTS)
@pytest.mark.parametrize("who", ["agent", "technician", "customer_user"])
def test_agents_technicians_and_customers_are_refused(request, client, who, name, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(request.getfixturevalue(who))
    url = _url(name, center, waiting)
    response = client.post(url, {"day": DAY.isoformat()}) if name in POSTS else client.get(url)
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == VisitStatus.UNSCHEDULED


@pytest.mark.parametrize("name", PAGES + POSTS)
def test_partner_staff_of_another_center_do_not_find_it(client, partner, name, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(partner)
    url = _url(name, center, waiting)
    response = client.post(url, {"day": DAY.isoformat()}) if name in POSTS else client.get(url)
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == VisitStatus.UNSCHEDULED


def test_partner_staff_see_their_own_center_only(client, partner, partner_center, day_of_work):
    center, *_ = day_of_work
    client.force_login(partner)
    response = client.get(reverse("board:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("board:day", args=[partner_center.pk]))
    html = client.get(response.url).content.decode()
    assert center.name not in html


def test_anonymous_people_are_sent_to_log_in(client, day_of_work):
    center, *_ = day_of_work
    response = client.get(board(center))
    assert response.status_code == 302 and "login" in response.url


def test_visits_are_unchanged_by_a_get(client, dispatcher, day_of_work):
    center, planned, waiting, odd = day_of_work
    client.force_login(dispatcher)
    assert client.get(reverse("board:plan", args=[center.pk])).status_code == 405
    assert Visit.objects.filter(status=VisitStatus.SCHEDULED).count() == 1
