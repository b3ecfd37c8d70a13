"""Read-side queries of the maintenance pages and API, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Prefetch, QuerySet

from aftersales.assets.models import Unit, UnitStatus
from aftersales.maintenance import planning
from aftersales.maintenance.models import ChecklistItem, JobStatus, MaintenanceJob, MaintenancePlan
from aftersales.warranty.models import ContractStatus, ServiceContract

COUNTED = (JobStatus.OPEN, JobStatus.DONE)


def plans() -> QuerySet[MaintenancePlan]:
    return (
        MaintenancePlan.objects.select_related("product", "contract", "service_plan", "skill")
        .annotate(item_count=Count("items"))
        .order_by("-active", "name", "pk")
    )


def plan_with_items(pk) -> MaintenancePlan:
    return (
        MaintenancePlan.objects.select_related("product", "contract", "service_plan", "skill")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("position")))
        .get(pk=pk)
    )


def jobs() -> QuerySet[MaintenanceJob]:
    return MaintenanceJob.objects.select_related(
        "plan", "unit__product", "unit__customer", "request", "visit__center",
        "visit__technician__user", "contract", "report",
    ).order_by("due_on", "pk")  # fmt: skip


def job(pk) -> MaintenanceJob:
    return jobs().get(pk=pk)


def job_of_visit(visit_id) -> MaintenanceJob | None:
    return jobs().filter(visit_id=visit_id).first()


def _unit_counts(contracts) -> dict[int, int]:
    """Units each contract covers: its own list, or all the customer's units in use."""
    owners = {c.customer_id for c in contracts if c.all_units}
    owned = Counter(
        Unit.objects.filter(customer_id__in=owners, status=UnitStatus.IN_USE).values_list(
            "customer_id", flat=True
        )
    )
    return {c.pk: owned.get(c.customer_id, 0) if c.all_units else c.unit_count for c in contracts}


def contract_usage(today: datetime.date) -> list[dict]:
    """Active contracts with the maintenance visits included this contract year (per unit
    × units) and used so far (free jobs, open or done). Three queries."""
    contracts = list(
        ServiceContract.objects.filter(status=ContractStatus.ACTIVE, ends_on__gte=today)
        .select_related("customer", "plan")
        .annotate(unit_count=Count("units"))
        .order_by("customer__name", "number")
    )
    units = _unit_counts(contracts)
    years = {c.pk: planning.contract_year(c.starts_on, today) for c in contracts}
    used = defaultdict(int)
    rows = MaintenanceJob.objects.filter(
        contract__in=contracts, chargeable=False, status__in=COUNTED
    ).values_list("contract_id", "due_on")
    for contract_id, due_on in rows:
        start, end = years[contract_id]
        if start <= due_on < end:
            used[contract_id] += 1
    return [
        {
            "contract": c,
            "year": years[c.pk],
            "units": units[c.pk],
            "per_unit": c.plan.pm_visits_per_year,
            "included": c.plan.pm_visits_per_year * units[c.pk],
            "used": used[c.pk],
        }
        for c in contracts
    ]
