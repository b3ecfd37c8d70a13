"""`schedule_now`: what the iot app calls when a rule says "schedule maintenance"."""

import pytest

from aftersales.core.errors import NotAllowed
from aftersales.dispatch.models import VisitStatus
from aftersales.maintenance import services
from aftersales.maintenance.models import JobSource, JobStatus, MaintenanceJob, MaintenancePlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(product):
    return MaintenancePlan.objects.create(
        name="季度保养", product=product, every_months=3, duration_minutes=90
    )


def test_creates_a_job_with_request_and_visit_under_the_unit_plan(covered_city, unit_of, plan):
    unit = unit_of()
    job = services.schedule_now(unit, reason="温度过高 3 次")
    assert job.plan == plan and job.source == JobSource.NOW and job.status == JobStatus.OPEN
    assert job.request.kind == "maintenance" and job.request.unit == unit
    assert job.request.channel == "iot"
    assert "温度过高 3 次" in job.request.description
    assert job.visit.status == VisitStatus.UNSCHEDULED
    assert job.visit.duration_minutes == 90 and job.visit.center == covered_city


def test_returns_the_open_job_instead_of_a_second(covered_city, unit_of, plan):
    unit = unit_of()
    first = services.schedule_now(unit, reason="a")
    again = services.schedule_now(unit, reason="b")
    assert again.pk == first.pk
    assert MaintenanceJob.objects.count() == 1


def test_a_unit_without_plan_gets_a_plain_maintenance_request(covered_city, unit_of):
    job = services.schedule_now(unit_of(), reason="振动")
    assert job.plan is None and job.request.kind == "maintenance" and job.chargeable


def test_without_a_covering_center_the_request_has_no_visit(unit_of, plan):
    job = services.schedule_now(unit_of(), reason="x")
    assert job.request is not None and job.visit is None


def test_a_dispatcher_may_ask_a_technician_may_not(
    covered_city, unit_of, plan, dispatcher, technician
):
    job = services.schedule_now(unit_of(), reason="manual", actor=dispatcher)
    assert job.visit.window_start is not None
    with pytest.raises(NotAllowed):
        services.schedule_now(unit_of(), reason="manual", actor=technician)
