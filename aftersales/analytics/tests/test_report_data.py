"""The figures of the monthly quality report, on the hand-made month of conftest.py.

The own center (上海服务中心) in November 2026 has A, C, E and I received, A and D
resolved (24 h and 288 h), C, E and H still open on 1 December; in October it received
D, H and G (cancelled) and resolved nothing, leaving D and H open on 1 November. The
partner center's only request, B, missed its response and resolution deadlines and is
the subject of complaint J.
"""

import datetime
from decimal import Decimal

import pytest

from aftersales.analytics import reports

NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def own(month, center):
    return reports.month_figures(center, datetime.date(2026, 11, 17))  # any day of the month


def test_the_month_and_the_one_before(own, center):
    assert (own.month, own.previous) == (NOVEMBER, datetime.date(2026, 10, 1))
    assert (own.center_name, own.center_code) == ("上海服务中心", "SC-OWN")
    assert str(own.center_kind) == "Own service center"


def test_the_scorecard_figures_beside_the_month_before(own):
    values = {line.name: (line.value, line.previous) for line in own.kpis}
    assert values["opened"] == (4, 3)
    assert values["resolved"] == (2, 0)
    assert values["closed"] == (1, 0)
    assert values["backlog"] == (3, 2)
    assert values["first_response"] == (Decimal("1.5"), None)
    assert values["time_to_resolve"] == (Decimal("156.0"), None)
    assert values["sla_resolution"] == (Decimal("100.0"), None)
    assert values["repeat_30"] == (Decimal("50.0"), None)  # A came back within 30 days, D not
    assert values["csat"] == (Decimal("4.5"), None)
    assert values["nps"] == (Decimal("50.0"), None)
    assert values["complaint_rate"] == (Decimal("0.0"), Decimal("0.0"))


def test_money_is_left_out_so_every_reader_may_have_it(own):
    names = [line.name for line in own.kpis]
    assert "cost_per_request" not in names and "revenue" not in names
    assert names[:4] == ["opened", "resolved", "closed", "backlog"]


def test_arrows_are_judged_by_whether_higher_is_better(own):
    changes = {line.name: (line.change, line.verdict) for line in own.kpis}
    assert changes["resolved"] == ("up", "better")
    assert changes["backlog"] == ("up", "worse")  # a longer backlog is worse
    assert changes["opened"] == ("up", "")  # more requests are neither
    assert changes["reopen_rate"] == ("same", "")
    assert changes["csat"] == ("", "")  # nothing to compare with


@pytest.mark.parametrize(
    ("value", "previous", "higher_is_better", "expected"),
    [
        (Decimal("90.0"), Decimal("80.0"), True, ("up", "better")),
        (Decimal("70.0"), Decimal("80.0"), True, ("down", "worse")),
        (Decimal("20.0"), Decimal("30.0"), False, ("down", "better")),
        (Decimal("40.0"), Decimal("30.0"), False, ("up", "worse")),
        (5, 3, None, ("up", "")),
        (3, 3, True, ("same", "")),
        (None, 3, True, ("", "")),
        (3, None, True, ("", "")),
    ],
)
def test_compare(value, previous, higher_is_better, expected):
    assert reports.compare(value, previous, higher_is_better) == expected


def test_week_by_week(own):
    # Weeks start on Monday: 1 November (a Sunday, D resolved) is in the week of 26 October.
    assert [(w["bucket"].isoformat(), w["opened"], w["resolved"]) for w in own.trend] == [
        ("2026-10-26", 0, 1),
        ("2026-11-02", 1, 1),
        ("2026-11-09", 1, 0),
        ("2026-11-16", 1, 0),
        ("2026-11-23", 1, 0),
    ]


def test_per_technician(own, month):
    assert own.technician_kpis == ["resolved", "first_time_fix", "sla_onsite", "repeat_30", "csat"]
    (row,) = own.technicians
    assert row["name"] == month["tech"].user.display_name
    hundred = Decimal("100.0")
    assert row["values"] == [1, hundred, hundred, hundred, Decimal("5.0")]


def test_a_month_without_misses_lists_none(own):
    assert own.missed == {"sla_response": 0, "sla_resolution": 0, "sla_onsite": 0}
    assert own.missed_requests == []
    assert (own.complaint_count, own.complaints) == (0, [])


def test_the_worst_of_the_month(month, partner_center):
    figures = reports.month_figures(partner_center, NOVEMBER)
    assert figures.missed == {"sla_response": 1, "sla_resolution": 1, "sla_onsite": 0}
    (missed,) = figures.missed_requests
    assert (missed.number, missed.missed) == (month["B"].number, ["sla_response", "sla_resolution"])
    assert figures.complaint_count == 1
    (complaint,) = figures.complaints
    assert (complaint.number, complaint.about) == (month["J"].number, month["B"].number)
    assert str(complaint.severity) == "Major"


def test_a_miss_counts_in_the_month_of_its_moment(month, center):
    # D was received in October and resolved on 1 November: its resolution deadline is
    # November's; had it missed its response deadline, that would be October's.
    d = month["D"]
    d.response_met, d.resolution_met = False, False
    d.save(update_fields=["response_met", "resolution_met"])

    november = reports.month_figures(center, NOVEMBER)
    october = reports.month_figures(center, datetime.date(2026, 10, 1))

    assert [(m.number, m.missed) for m in november.missed_requests] == [
        (d.number, ["sla_resolution"])
    ]
    assert [(m.number, m.missed) for m in october.missed_requests] == [(d.number, ["sla_response"])]
    assert november.missed["sla_resolution"] == 1 and october.missed["sla_response"] == 1


def test_the_figures_take_a_bounded_number_of_queries(month, center, django_assert_max_num_queries):
    with django_assert_max_num_queries(80):
        reports.month_figures(center, NOVEMBER)
