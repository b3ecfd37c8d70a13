"""Generation over a frozen year: the planner runs every day, as the periodic job does."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.iot.models import UnitState
from aftersales.maintenance import services
from aftersales.maintenance.models import JobSource, JobStatus, MaintenanceJob, MaintenancePlan
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run_year(year=2026, step_days=1):
    """The daily 03:00 job for every day of the year."""
    day = datetime.date(year, 1, 1)
    with time_machine.travel(datetime.datetime(year, 1, 1, 3, tzinfo=SHANGHAI), tick=False) as t:
        while day.year == year:
            services.plan_visits(day)
            day += datetime.timedelta(days=step_days)
            t.shift(datetime.timedelta(days=step_days))


def dues(unit, **filters):
    return list(
        MaintenanceJob.objects.filter(unit=unit, **filters)
        .order_by("due_on")
        .values_list("due_on", flat=True)
    )


def test_every_3_months_gives_4_visits_a_year_on_the_expected_dates(covered_city, unit_of, product):
    MaintenancePlan.objects.create(
        name="季度", product=product, every_months=3, duration_minutes=120
    )
    first, second = (
        unit_of(installed_on=datetime.date(2025, 11, 15)),
        unit_of(installed_on=datetime.date(2025, 12, 31)),
    )
    run_year()
    assert dues(first) == [datetime.date(2026, m, 15) for m in (2, 5, 8, 11)]
    # 31 December + 3 months is the last day of March (and so on from there).
    assert dues(second) == [
        datetime.date(2026, 3, 31),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 12, 31),
    ]
    job = MaintenanceJob.objects.get(unit=first, due_on=datetime.date(2026, 5, 15))
    assert job.request.kind == "maintenance" and job.request.unit == first
    assert job.visit.status == VisitStatus.UNSCHEDULED and job.visit.duration_minutes == 120
    # The window is the due week, Monday to Sunday (15 May 2026 is a Friday).
    start = job.visit.window_start.astimezone(SHANGHAI)
    end = job.visit.window_end.astimezone(SHANGHAI)
    assert (start.date(), end.date()) == (datetime.date(2026, 5, 11), datetime.date(2026, 5, 18))
    # Created ahead of time, within the 30-day horizon.
    assert job.request.created_at.astimezone(SHANGHAI).date() == datetime.date(2026, 4, 15)
    # No contract: the model's recommended visits are chargeable; planned work is not urgent.
    assert job.chargeable and job.request.priority == "low"


def test_a_request_planned_ahead_is_not_late_before_its_week(covered_city, unit_of, product):
    MaintenancePlan.objects.create(name="月度", product=product, every_months=1)
    unit_of(installed_on=datetime.date(2025, 12, 20))
    with time_machine.travel(datetime.datetime(2026, 1, 5, 3, tzinfo=SHANGHAI), tick=False):
        (job,) = services.plan_visits(datetime.date(2026, 1, 5))
    request = job.request
    week_starts = job.visit.window_start
    # Due 20 January (week of the 19th): deadlines count from that Monday, not from today.
    assert week_starts.astimezone(SHANGHAI).date() == datetime.date(2026, 1, 19)
    assert request.response_due_at > week_starts and request.resolution_due_at > week_starts
    assert request.received_at < week_starts


def test_a_date_missed_just_before_the_plan_began_is_owed_as_overdue(
    covered_city, unit_of, product
):
    MaintenancePlan.objects.create(name="年度", product=product, every_months=12)
    missed_lately = unit_of(installed_on=datetime.date(2025, 11, 16))  # due 16 Nov 2026
    missed_long_ago = unit_of(installed_on=datetime.date(2025, 9, 1))  # due 1 Sep 2026
    with time_machine.travel(datetime.datetime(2026, 11, 24, 3, tzinfo=SHANGHAI), tick=False):
        services.plan_visits(datetime.date(2026, 11, 24))
    (job,) = MaintenanceJob.objects.filter(unit=missed_lately)
    assert job.due_on == datetime.date(2026, 11, 16)
    # Overdue: wanted this week (Monday 23 November), not in the week gone by.
    assert job.visit.window_start.astimezone(SHANGHAI).date() == datetime.date(2026, 11, 23)
    assert dues(missed_long_ago) == []  # next owed on 1 September 2027


def test_running_twice_creates_nothing_more(covered_city, unit_of, product):
    MaintenancePlan.objects.create(name="月度", product=product, every_months=1)
    unit_of(installed_on=datetime.date(2025, 12, 20))
    with time_machine.travel(datetime.datetime(2026, 1, 5, 3, tzinfo=SHANGHAI), tick=False):
        first = services.plan_visits(datetime.date(2026, 1, 5))
        again = services.plan_visits(datetime.date(2026, 1, 5))
    assert len(first) == 1 and again == []
    assert (
        MaintenanceJob.objects.count(),
        ServiceRequest.objects.count(),
        Visit.objects.count(),
    ) == (1, 1, 1)


def test_hours_of_use_follow_the_unit_state(covered_city, unit_of, product):
    MaintenancePlan.objects.create(name="500 小时", product=product, every_hours=500)
    unit = unit_of()
    state = UnitState.objects.create(
        unit=unit, last_seen_at="2026-03-01T00:00Z", metrics={"run_hours": 120}
    )

    def on(day, hours):
        state.metrics = {"run_hours": hours}
        state.save()
        with time_machine.travel(datetime.datetime(2026, 3, day, 3, tzinfo=SHANGHAI), tick=False):
            return services.plan_visits(datetime.date(2026, 3, day))

    assert on(1, 120) == []
    [job] = on(2, 510.5)
    assert (job.due_on, job.due_hours, job.source) == (
        datetime.date(2026, 3, 2),
        500,
        JobSource.HOURS,
    )
    assert on(3, 990) == []
    [job] = on(4, 1002)
    assert job.due_hours == 1000
    assert on(5, 1003) == []


def test_contract_included_visits_per_year_are_honoured(
    covered_city, unit_of, service_plan, contract_for
):
    gold = service_plan(pm_visits_per_year=2)
    unit = unit_of(installed_on=datetime.date(2024, 6, 1))
    contract = contract_for(gold, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    MaintenancePlan.objects.create(name="金牌季度保养", contract=contract, every_months=3)
    run_year()
    open_free = dues(unit, status=JobStatus.OPEN, chargeable=False, contract=contract)
    assert open_free == [datetime.date(2026, 4, 1), datetime.date(2026, 7, 1)]
    # The quota is used: the contract's third visit is not owed (skipped, no request).
    skipped = MaintenanceJob.objects.get(unit=unit, status=JobStatus.SKIPPED)
    assert skipped.due_on == datetime.date(2026, 10, 1) and skipped.request is None
    # 1 January 2027 is after the contract's end: nothing.
    assert ServiceRequest.objects.filter(unit=unit).count() == 2


def test_a_model_plan_beyond_the_quota_is_chargeable(
    covered_city, unit_of, product, service_plan, contract_for
):
    unit = unit_of(installed_on=datetime.date(2025, 11, 15))
    contract_for(
        service_plan(pm_visits_per_year=2), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    )
    MaintenancePlan.objects.create(name="季度", product=product, every_months=3)
    run_year()
    rows = MaintenanceJob.objects.filter(unit=unit).order_by("due_on")
    assert [job.chargeable for job in rows] == [False, False, True, True]


def test_service_plan_plans_cover_the_contract_units_only(
    covered_city, unit_of, product, service_plan, contract_for, customer
):
    gold = service_plan(pm_visits_per_year=4)
    inside, outside = unit_of(), unit_of()
    contract_for(gold, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), units=[inside])
    MaintenancePlan.objects.create(name="金牌", service_plan=gold, every_months=6)
    run_year(step_days=7)
    assert dues(inside) == [datetime.date(2026, 7, 1)]
    assert dues(outside) == []


def test_units_outside_models_and_contracts_are_not_covered(
    covered_city, unit_of, product, service_plan, contract_for
):
    MaintenancePlan.objects.create(name="季度", product=product, every_months=3)
    other_model = unit_of(product=ProductFactory())
    expired_plan = service_plan(pm_visits_per_year=4, code="silver")
    contract = contract_for(
        expired_plan, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), status="expired"
    )
    MaintenancePlan.objects.create(name="银牌", contract=contract, every_months=1)
    MaintenancePlan.objects.create(
        name="停用", product=other_model.product, every_months=1, active=False
    )
    run_year(step_days=7)
    assert dues(other_model) == []
    assert not MaintenanceJob.objects.filter(plan__contract=contract).exists()


def test_contract_plan_wins_over_the_model_plan(
    covered_city, unit_of, product, service_plan, contract_for
):
    unit = unit_of()
    contract = contract_for(service_plan(4), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    MaintenancePlan.objects.create(name="型号", product=product, every_months=1)
    MaintenancePlan.objects.create(name="合同", contract=contract, every_months=6)
    run_year(step_days=7)
    assert set(MaintenanceJob.objects.filter(unit=unit).values_list("plan__name", flat=True)) == {
        "合同"
    }


def test_hours_of_use_are_forecast_from_the_rate_of_use(covered_city, unit_of, product):
    """1,600 h a month ago, 1,900 h now: 10 h a day, so 2,000 h in ten days."""
    from aftersales.iot.models import Telemetry

    MaintenancePlan.objects.create(name="2000 小时", product=product, every_hours=2000)
    unit = unit_of()
    now = datetime.datetime(2026, 3, 1, 3, tzinfo=SHANGHAI)
    Telemetry.objects.create(
        unit=unit, at=now - datetime.timedelta(days=30), metrics={"run_hours": 1600}
    )
    state = UnitState.objects.create(unit=unit, last_seen_at=now, metrics={"run_hours": 1900})

    def on(day, hours):
        state.metrics, state.last_seen_at = {"run_hours": hours}, now.replace(day=day)
        state.save()
        with time_machine.travel(now.replace(day=day), tick=False):
            return services.plan_visits(datetime.date(2026, 3, day))

    [job] = on(1, 1900)
    assert (job.due_on, job.due_hours, job.source) == (datetime.date(2026, 3, 11), 2000, "hours")
    # Planned ahead: not late before its week.
    assert job.request.response_due_at > job.visit.window_start
    # Later forecasts and the real crossing of 2,000 h do not plan it again.
    assert on(2, 1912) == [] and on(12, 2003) == []
    assert MaintenanceJob.objects.filter(unit=unit).count() == 1
