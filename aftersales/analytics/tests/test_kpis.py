"""Every KPI on the hand-made month of conftest.py, whose right answers are worked out there."""

import datetime
from decimal import Decimal

import pytest

from aftersales.analytics import kpis
from aftersales.analytics.kpis import KpiFilter

NOVEMBER = KpiFilter(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))
D = Decimal

# kpi, value, how many it is computed over, other figures
EXPECTED = [
    ("opened", 6, 6, {}),
    ("resolved", 3, 3, {}),
    ("closed", 1, 1, {}),
    # C 20.625 d, E 10.625 d, H 46.625 d, J 23.625 d old on 1 Dec 00:00
    (
        "backlog",
        4,
        4,
        {
            "median_age_days": D("22.1"),
            "oldest_days": D("46.6"),
            "bands": {"0-2": 0, "3-7": 0, "8-30": 3, "31+": 1},
        },
    ),
    ("first_response", D("2.0"), 3, {"p90": D("3.6")}),  # 1, 2, 4 hours
    ("time_to_resolve", D("48.0"), 3, {"p90": D("240.0")}),  # 24, 48, 288 hours
    ("sla_response", D("66.7"), 3, {"met": 2}),
    ("sla_resolution", D("66.7"), 3, {"met": 2}),
    ("sla_onsite", D("100.0"), 1, {"met": 1}),
    ("first_time_fix", D("66.7"), 3, {"fixed": 2}),
    ("repeat_30", D("33.3"), 3, {"repeats": 1}),  # A (E came back 17 days later)
    ("repeat_90", D("66.7"), 3, {"repeats": 2}),  # and D (F, 44 days later)
    ("reopen_rate", D("50.0"), 2, {"reopened": 1}),
    ("csat", D("3.7"), 3, {"satisfied": D("66.7")}),
    ("nps", D("0.0"), 3, {"promoters": 1, "detractors": 1}),
    ("complaint_rate", D("20.0"), 5, {"complaints": 1}),
    ("cost_per_request", D("116.67"), 3, {"cost": "350.00", "revenue": "300.00"}),
    ("revenue", D("300.00"), 3, {"parts": "200.00", "labour": "150.00"}),
]


@pytest.mark.parametrize(
    ("name", "value", "count", "extra"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_kpi(month, name, value, count, extra, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        kpi = kpis.compute(name, NOVEMBER)
    assert (kpi.value, kpi.count) == (value, count)
    for key, expected in extra.items():
        assert kpi.extra[key] == expected, key


BEHIND = {
    ("opened", ""): "ABCEIJ",
    ("resolved", ""): "ABD",
    ("closed", ""): "A",
    ("backlog", ""): "CEHJ",
    ("first_response", ""): "ABC",
    ("time_to_resolve", ""): "ABD",
    ("sla_response", ""): "ABC",
    ("sla_response", "missed"): "B",
    ("sla_resolution", "missed"): "B",
    ("sla_onsite", ""): "A",
    ("first_time_fix", ""): "AB",
    ("repeat_30", ""): "ABD",
    ("repeat_30", "repeated"): "A",
    ("repeat_90", "repeated"): "AD",
    ("reopen_rate", "reopened"): "B",
    ("csat", ""): "ABD",
    ("complaint_rate", ""): "BJ",
    ("cost_per_request", ""): "ABD",
    ("revenue", ""): "ABD",
    ("nps", ""): "ABD",
    ("sla_resolution", ""): "ABD",
    ("repeat_90", ""): "ABD",
    ("reopen_rate", ""): "AB",
}


def _names(month, queryset):
    by_pk = {r.pk: name for name, r in month.items() if len(name) == 1}
    return "".join(sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True)))


@pytest.mark.parametrize(("name", "subset"), list(BEHIND), ids=[f"{k}-{s}" for k, s in BEHIND])
def test_drilldown_gives_the_requests_behind_the_number(month, name, subset):
    assert _names(month, kpis.drilldown(name, NOVEMBER, subset)) == BEHIND[(name, subset)]


def test_every_kpi_has_a_drilldown():
    assert {name for name, _ in BEHIND} == set(kpis.KPIS)


def test_dimensions(month, center, partner_center):
    cats = month["categories"]
    cases = [
        (NOVEMBER.with_(center=center.pk), "ACEI"),
        (NOVEMBER.with_(center=partner_center.pk), "B"),
        (NOVEMBER.with_(channel="email"), "B"),
        (NOVEMBER.with_(city_tier="tier1"), "A"),
        (NOVEMBER.with_(technician=month["tech"].pk), "A"),
        (NOVEMBER.with_(category=cats["aircon"].pk), "ABEI"),  # the wall units under it
        (NOVEMBER.with_(category=cats["washer"].pk), ""),
        (NOVEMBER.with_(product=month["model"].pk), "ABEI"),
        (KpiFilter(), "ABCDEFGHIJ"),
    ]
    for flt, expected in cases:
        assert _names(month, kpis.drilldown("opened", flt)) == expected, flt


def test_a_center_keeps_complaints_about_its_work(month, partner_center):
    kpi = kpis.compute("complaint_rate", NOVEMBER.with_(center=partner_center.pk))
    assert (kpi.value, kpi.count) == (D("100.0"), 1)


def test_nothing_in_the_period(month):
    empty = KpiFilter(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31))
    values = {name: kpi.value for name, kpi in kpis.compute_all(empty).items()}
    assert values["opened"] == 0
    assert values["first_response"] is None
    assert values["sla_response"] is None
    assert values["csat"] is None
    assert values["cost_per_request"] is None


def test_percentiles_interpolate_like_percentile_cont():
    assert kpis._interpolate([1.0, 2.0, 4.0], 0.9) == pytest.approx(3.6)
    assert kpis._interpolate([5.0], 0.5) == 5.0
    assert kpis._interpolate([], 0.5) is None


def test_repeats_count_what_the_drilldown_lists_at_the_edges(db):
    """The figure (matched in Python) and its drill-down (asked of the database) follow
    one rule: a later request on the unit, received after resolving, sharing a fault,
    within 30 days counted to the second."""
    from aftersales.analytics.tests import builders as b
    from aftersales.service.choices import Kind, Status
    from aftersales.testing.factories import FaultCodeFactory, ServiceRequestFactory, UnitFactory

    unit, other_unit = UnitFactory(), UnitFactory()
    f1, f2 = FaultCodeFactory(), FaultCodeFactory()

    def repair(unit_, received, resolved=None, faults=(f1,)):
        sr = ServiceRequestFactory(
            unit=unit_, customer=unit_.customer, kind=Kind.REPAIR, received_at=received,
            resolved_at=resolved, status=Status.RESOLVED if resolved else Status.NEW,
        )  # fmt: skip
        sr.fault_codes.set(faults)
        return sr

    edge = repair(unit, b.at(2), b.at(5), faults=(f1, f2))  # comes back exactly 30 days on
    repair(unit, b.at(4))  # received before `edge` was resolved: not a return
    repair(unit, b.at(5) + datetime.timedelta(days=30), faults=(f2,))
    late = repair(other_unit, b.at(3), b.at(6))
    repair(other_unit, b.at(6) + datetime.timedelta(days=30, seconds=1))  # one second late
    repair(other_unit, b.at(7), faults=(f2,))  # in time, another fault
    values = kpis.compute_all(NOVEMBER, ["repeat_30", "repeat_90"])
    assert (values["repeat_30"].count, values["repeat_30"].extra["repeats"]) == (2, 1)
    assert values["repeat_90"].extra["repeats"] == 2
    behind_30 = kpis.drilldown("repeat_30", NOVEMBER, "repeated")
    behind_90 = kpis.drilldown("repeat_90", NOVEMBER, "repeated")
    assert set(behind_30) == {edge} and set(behind_90) == {edge, late}
