"""Fixtures of the warranty administration tests: plans, and contracts in any status."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.warranty.models import ContractStatus, ServiceContract, ServicePlan

_numbers = itertools.count(9001)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def gold(db):
    return ServicePlan.objects.create(
        code="gold",
        name="金牌服务",
        rank=3,
        response_hours=2,
        resolution_hours=24,
        onsite_hours=8,
        pm_visits_per_year=4,
        price=Decimal("3650.00"),
    )


@pytest.fixture
def silver(db):
    return ServicePlan.objects.create(
        code="silver",
        name="银牌服务",
        rank=2,
        response_hours=4,
        resolution_hours=48,
        onsite_hours=24,
        price=Decimal("1825.00"),
    )


@pytest.fixture
def contract_in(gold, customer, today):
    """A contract already in `status`, made directly in the database (no history).

    By default it started 30 days ago and ends in 300 days, so that every move its status
    allows is possible today.
    """

    def build(status=ContractStatus.QUOTE, **fields):
        values = {
            "number": f"CT-2026-{next(_numbers):04d}",
            "customer": customer,
            "plan": gold,
            "status": status,
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=300),
            "price": Decimal("3650.00"),
        }
        units = fields.pop("units", None)
        contract = ServiceContract.objects.create(**(values | fields))
        if units:
            contract.all_units = False
            contract.save(update_fields=["all_units"])
            contract.units.set(units)
        return contract

    return build


@pytest.fixture
def stored():
    """Everything stored about contracts (rows, units, events), to show nothing changed."""
    from aftersales.warranty.models import ContractEvent

    def snapshot():
        rows = list(ServiceContract.objects.order_by("pk").values())
        units = list(ServiceContract.units.through.objects.order_by("pk").values())
        events = list(ContractEvent.objects.order_by("pk").values_list("pk", flat=True))
        return rows, units, events

    return snapshot
