"""The periodic tasks other apps' schedules name: the daily contract run as a task."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core import background
from aftersales.warranty.models import ContractStatus, ServiceContract, ServicePlan
from aftersales.warranty.tasks import update_contracts

DAY = datetime.timedelta(days=1)


@pytest.fixture
def contract(db, customer):
    """An accepted contract that starts today: the daily run activates it."""
    plan = ServicePlan.objects.create(
        code="gold",
        name="金牌服务",
        rank=3,
        response_hours=2,
        resolution_hours=24,
        onsite_hours=8,
        price=Decimal("3650.00"),
    )
    today = timezone.localdate()
    return ServiceContract.objects.create(
        number="CT-2026-7001",
        customer=customer,
        plan=plan,
        status=ContractStatus.ACCEPTED,
        starts_on=today,
        ends_on=today + 364 * DAY,
        price=Decimal("3650.00"),
    )


def test_the_contract_task_runs_the_daily_update_and_twice_is_once(contract):
    # when the task runs twice
    first = update_contracts.apply().get()
    second = update_contracts.apply().get()

    # then the contract was activated once, and the result is plain JSON
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert first == {"activated": [contract.number], "expired": [], "renewed": []}
    assert second == {"activated": [], "expired": [], "renewed": []}


def test_the_contract_task_can_act_as_of_another_day(contract):
    # as of yesterday the contract had not started yet
    yesterday = (timezone.localdate() - DAY).isoformat()
    assert update_contracts.apply(args=[yesterday]).get()["activated"] == []
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED


def test_the_scheduler_runs_the_contract_update_by_its_name(contract, monkeypatch):
    monkeypatch.delenv("PERIODIC_EVERY", raising=False)
    runs = background.run_periodic_now("update-contracts", force=True)
    assert [(run.name, run.ok) for run in runs] == [("update-contracts", True)]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
