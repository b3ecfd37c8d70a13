"""Trend, breakdowns and the comparison on the hand-made month of conftest.py."""

import datetime
from decimal import Decimal

from django.urls import reverse

from aftersales.analytics import kpis, selectors
from aftersales.analytics.tests.test_kpis import NOVEMBER


def test_trend_per_week(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = selectors.trend(NOVEMBER, "week")
    assert [(r["bucket"], r["opened"], r["resolved"]) for r in rows] == [
        (datetime.date(2026, 10, 26), 0, 1),  # D, resolved on Sunday 1 November
        (datetime.date(2026, 11, 2), 3, 2),  # A, B, J opened; A, B resolved
        (datetime.date(2026, 11, 9), 1, 0),
        (datetime.date(2026, 11, 16), 1, 0),
        (datetime.date(2026, 11, 23), 1, 0),
    ]


def test_trend_per_month(month):
    rows = selectors.trend(NOVEMBER, "month")
    assert [(r["bucket"], r["opened"], r["resolved"]) for r in rows] == [
        (datetime.date(2026, 11, 1), 6, 3)
    ]


def test_breakdown_by_center(month, center, partner_center, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # three reads, the centers' names
        rows = selectors.breakdown(NOVEMBER, "center")
    got = {r["value"]: (r["opened"], r["in_time"], r["satisfied"]) for r in rows}
    assert got == {
        center.pk: (4, Decimal("100.0"), Decimal("100.0")),  # A and D in time, CSAT 5 and 4
        partner_center.pk: (1, Decimal("0.0"), Decimal("0.0")),  # B late, CSAT 2
        None: (1, None, None),  # J, the complaint
    }


def test_breakdown_by_channel_and_category(month):
    channels = {r["value"]: r["opened"] for r in selectors.breakdown(NOVEMBER, "channel")}
    assert channels == {"phone": 5, "email": 1}
    wall, washer = month["categories"]["wall"], month["categories"]["washer"]
    categories = {
        r["value"]: (r["opened"], r["in_time"]) for r in selectors.breakdown(NOVEMBER, "category")
    }
    # the washer was only resolved in November (D, received in October)
    assert categories == {
        wall.pk: (4, Decimal("50.0")),
        washer.pk: (0, Decimal("100.0")),
        None: (2, None),
    }


def test_comparison_rows(month, center, partner_center, other_center):
    table = selectors.comparison(NOVEMBER, ("opened", "csat"))
    got = [(r["label"], r["kpis"]["opened"].value) for r in table["rows"]]
    assert got[:2] == [("Own service center", 4), ("Authorised partner", 1)]
    assert (center.name, 4) in got and (partner_center.name, 1) in got


def test_trend_bars_link_to_their_week(client, manager, month):
    client.force_login(manager)
    response = client.get(f"{reverse('analytics:dashboard')}?start=2026-11-01&end=2026-11-30")
    first = response.context["chart"]["bars"][0]
    assert "start=2026-11-01&end=2026-11-01" in first["resolved_url"]
    behind = client.get(first["resolved_url"])
    assert [r.pk for r in behind.context["requests"]] == [month["D"].pk]
    second = response.context["chart"]["bars"][1]
    assert "start=2026-11-02&end=2026-11-08" in second["opened_url"]


def test_breakdown_by_city_tier(month):
    tiers = {
        r["value"]: (str(r["label"]), r["opened"], r["in_time"])
        for r in selectors.breakdown(NOVEMBER, "city_tier")
    }
    # A in a tier-1 city (resolved in time), B in a tier-2 city (late); the rest unknown
    assert tiers["tier1"] == ("Tier 1", 1, Decimal("100.0"))
    assert tiers["tier2"] == ("Tier 2", 1, Decimal("0.0"))


def test_breakdown_by_technician_counts_their_requests(month, technician):
    with_tech = selectors.breakdown(NOVEMBER, "technician")
    # only A is assigned to the technician; requests assigned to nobody are left out
    assert [(r["label"], r["opened"], r["in_time"], r["satisfied"]) for r in with_tech] == [
        (str(technician), 1, Decimal("100.0"), Decimal("100.0"))
    ]
    assert with_tech[0]["value"] == technician.technician.pk
    assert selectors.breakdown(NOVEMBER, "technician", limit=0) == with_tech


def test_breakdown_by_team(month):
    from aftersales.accounts.models import Team

    team = Team.objects.create(name="上海热线")
    month["A"].team, month["C"].team = team, team
    month["A"].save(update_fields=["team"])
    month["C"].save(update_fields=["team"])
    teams = {r["value"]: (r["label"], r["opened"]) for r in selectors.breakdown(NOVEMBER, "team")}
    assert teams == {team.pk: ("上海热线", 2), None: ("—", 4)}


def test_dashboard_breakdown_rows_lead_to_their_requests(client, manager, month, technician):
    client.force_login(manager)
    url = f"{reverse('analytics:dashboard')}?start=2026-11-01&end=2026-11-30"
    response = client.get(url)
    tables = {table: (str(title), rows) for title, rows, table in response.context["breakdowns"]}
    assert tables["city_tier"][0] == "By city tier" and tables["team"][0] == "By team"
    tiers = tables["city_tier"][1]
    tier1 = next(r for r in tiers if r["value"] == "tier1")
    behind = client.get(
        f"{reverse('analytics:requests')}?{response.context['query']}&city_tier=tier1&kpi=opened"
    )
    assert [r.pk for r in behind.context["requests"]] == [month["A"].pk]
    assert tier1["opened"] == 1


def test_all_breakdowns_read_the_period_once(month, django_assert_max_num_queries):
    dims = dict.fromkeys(selectors.DIMENSIONS)
    # three reads; technicians and models to regroup by; four tables of names
    with django_assert_max_num_queries(9):
        tables = selectors.breakdowns(NOVEMBER, dims)
    assert set(tables) == set(dims)
    assert {r["value"]: r["opened"] for r in tables["channel"]} == {"phone": 5, "email": 1}


def test_comparison_gives_each_center_what_its_own_filter_gives(
    month, center, partner_center, other_center, django_assert_max_num_queries
):
    names = list(kpis.KPIS)
    table = selectors.comparison(NOVEMBER, names)
    for row in table["rows"]:
        if row["center"] is None:
            alone = kpis.compute_all(NOVEMBER.with_(center_kind=row["kind"]), names)
        else:
            alone = kpis.compute_all(NOVEMBER.with_(center=row["center"].pk), names)
        for name in names:
            got, want = row["kpis"][name], alone[name]
            assert (got.value, got.count, got.extra) == (want.value, want.count, want.extra), (
                row["label"],
                name,
            )


def test_comparison_reads_once_whatever_the_number_of_centers(
    month, center, partner_center, other_center, django_assert_max_num_queries
):
    from aftersales.field.models import ServiceCenter

    with django_assert_max_num_queries(40) as few:
        selectors.comparison(NOVEMBER)
    for n in range(5):
        ServiceCenter.objects.create(code=f"X{n}", name=f"网点{n}", kind="partner")
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.comparison(NOVEMBER)
