"""Fixtures of the maintenance tests: a covered city, units, plans and contracts."""

import datetime
import itertools
from decimal import Decimal

import pytest

from aftersales.field.models import CenterCoverage
from aftersales.testing.factories import CategoryFactory, ProductFactory, UnitFactory
from aftersales.warranty.models import ContractStatus, ServiceContract, ServicePlan

_numbers = itertools.count(7001)


@pytest.fixture
def covered_city(center):
    CenterCoverage.objects.create(center=center, city="广州")
    return center


@pytest.fixture
def product(db):
    return ProductFactory(category=CategoryFactory(code="chiller", name="冷水机"))


@pytest.fixture
def unit_of(product, customer):
    def build(installed_on=datetime.date(2025, 11, 15), **fields):
        values = {"product": product, "customer": customer, "installed_on": installed_on}
        return UnitFactory(**(values | fields))

    return build


@pytest.fixture
def service_plan(db):
    def build(pm_visits_per_year=2, code="gold"):
        return ServicePlan.objects.create(
            code=code,
            name=code,
            rank=3,
            response_hours=2,
            resolution_hours=24,
            onsite_hours=8,
            pm_visits_per_year=pm_visits_per_year,
            price=Decimal("3650.00"),
        )

    return build


@pytest.fixture
def contract_for(customer):
    def build(plan, starts_on, ends_on, units=None, status=ContractStatus.ACTIVE):
        contract = ServiceContract.objects.create(
            number=f"CT-2026-{next(_numbers):04d}",
            customer=customer,
            plan=plan,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            all_units=not units,
        )
        if units:
            contract.units.set(units)
        return contract

    return build


@pytest.fixture
def on_site_job(covered_city, unit_of, product, technician):
    """A maintenance job whose visit the technician is on, with a three-item checklist."""
    from aftersales.field.models import Technician
    from aftersales.maintenance import services
    from aftersales.maintenance.models import ChecklistItem, MaintenancePlan

    plan = MaintenancePlan.objects.create(name="季度保养", product=product, every_months=3)
    ChecklistItem.objects.create(plan=plan, position=1, text="Filters clean", kind="check")
    ChecklistItem.objects.create(
        plan=plan, position=2, text="Outlet temperature", kind="measure",
        low=Decimal("5"), high=Decimal("12"), unit="°C",
    )  # fmt: skip
    ChecklistItem.objects.create(plan=plan, position=3, text="冷媒无泄漏", kind="check")
    unit = unit_of()
    unit.customer.email = "buyer@example.com"
    unit.customer.language = "en"
    unit.customer.save()
    job = services.schedule_now(unit, reason="due")
    visit = job.visit
    visit.technician = Technician.objects.create(user=technician, home_center=covered_city)
    visit.status = "on_site"
    visit.save()
    job.refresh_from_db()
    return job
