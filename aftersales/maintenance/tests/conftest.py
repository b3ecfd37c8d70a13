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
