"""Which units a maintenance plan covers, and under which contract (read-side, no writes).

A unit gets the most specific applicable plans: those of one of its contracts, else those
of its contract's service plan, else those of its product model. So a gold customer's
unit follows the gold schedule, not the model's as well (no double visits).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from aftersales.assets.models import Unit, UnitStatus
from aftersales.maintenance.models import MaintenancePlan
from aftersales.warranty.models import ContractStatus, ServiceContract

# Lower is more specific.
CONTRACT, SERVICE_PLAN, PRODUCT = 0, 1, 2


@dataclass(frozen=True)
class Cover:
    unit: Unit
    plan: MaintenancePlan
    contract: ServiceContract | None


def covers(contract: ServiceContract, day: datetime.date) -> bool:
    """The contract is in force on `day` (active, between its dates, not cancelled)."""
    if contract.status != ContractStatus.ACTIVE:
        return False
    if not contract.starts_on <= day <= contract.ends_on:
        return False
    return contract.cancelled_on is None or day < contract.cancelled_on


def active_contracts(today: datetime.date, customer_id=None) -> list[ServiceContract]:
    rows = ServiceContract.objects.filter(status=ContractStatus.ACTIVE, ends_on__gte=today)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return list(rows.select_related("plan").prefetch_related("units").order_by("-plan__rank", "pk"))


def contracts_by_unit(contracts, units) -> dict[int, ServiceContract]:
    """Each unit's best contract (highest plan first) among `contracts`."""
    by_customer = defaultdict(list)
    for contract in contracts:
        by_customer[contract.customer_id].append(contract)
    found = {}
    for unit in units:
        for contract in by_customer.get(unit.customer_id, ()):
            if contract.all_units or any(u.pk == unit.pk for u in contract.units.all()):
                found[unit.pk] = contract
                break
    return found


def _contract_units(contract: ServiceContract, owned: dict[int, list[Unit]]) -> list[Unit]:
    if contract.all_units:
        return owned.get(contract.customer_id, [])
    return [unit for unit in contract.units.all() if unit.status == UnitStatus.IN_USE]


def _units_of_customers(customer_ids) -> dict[int, list[Unit]]:
    owned = defaultdict(list)
    rows = Unit.objects.filter(customer_id__in=customer_ids, status=UnitStatus.IN_USE)
    for unit in rows.select_related("product", "customer"):
        owned[unit.customer_id].append(unit)
    return owned


def covered(today: datetime.date, plans=None, only: Unit | None = None) -> list[Cover]:
    """Every (unit, plan, contract) to plan for, most specific plans only; with `only` (a
    unit), that unit's alone (its customer's contracts, its own row)."""
    plans = list(
        plans
        if plans is not None
        else MaintenancePlan.objects.filter(active=True).select_related(
            "product", "contract", "service_plan", "skill"
        )
    )
    contracts = active_contracts(today, only.customer_id if only else None)
    customer_ids = {contract.customer_id for contract in contracts}
    owned = _units_of_customers(customer_ids)
    product_ids = [plan.product_id for plan in plans if plan.product_id]
    model_units = defaultdict(list)
    rows = Unit.objects.filter(product_id__in=product_ids, status=UnitStatus.IN_USE)
    if only is not None:
        rows = rows.filter(pk=only.pk)
    for row in rows.select_related("product", "customer"):
        model_units[row.product_id].append(row)
    all_units = [unit for units in model_units.values() for unit in units]
    all_units += [unit for units in owned.values() for unit in units]
    best_contract = contracts_by_unit(contracts, all_units)
    candidates = []  # (level, unit, plan, contract)
    for plan in plans:
        if plan.contract_id:
            for contract in contracts:
                if contract.pk == plan.contract_id:
                    for unit in _contract_units(contract, owned):
                        candidates.append((CONTRACT, unit, plan, contract))
        elif plan.service_plan_id:
            for contract in contracts:
                if contract.plan_id == plan.service_plan_id:
                    for unit in _contract_units(contract, owned):
                        candidates.append((SERVICE_PLAN, unit, plan, contract))
        else:
            for unit in model_units.get(plan.product_id, []):
                candidates.append((PRODUCT, unit, plan, best_contract.get(unit.pk)))
    best_level = {}
    for level, unit, _plan, _contract in candidates:
        best_level[unit.pk] = min(level, best_level.get(unit.pk, level))
    return [
        Cover(unit, plan, contract)
        for level, unit, plan, contract in candidates
        if level == best_level[unit.pk]
    ]


def plans_for_unit(unit: Unit, today: datetime.date) -> list[Cover]:
    """The unit's applicable plans today (for `schedule_now`)."""
    plans = MaintenancePlan.objects.filter(active=True).select_related(
        "product", "contract", "service_plan", "skill"
    )
    return [cover for cover in covered(today, plans, unit) if cover.unit.pk == unit.pk]
