"""Asking the warranty rules about a unit, with the unit's repair history from the requests.

The rules themselves are in `warranty.decision`; this module only gathers what they need
to know about earlier repairs (days spent in repair, repeated failures of the same
fault), and keeps each request's snapshot of the decision it is handled under.
"""

import datetime

from django.utils import timezone

from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.warranty.decision import FREE, Decision, PastRepair, evaluate
from aftersales.warranty.models import FaultCause

DONE = (Status.RESOLVED, Status.CLOSED)


def fault_keys(codes) -> frozenset[str]:
    """What identifies a fault for 'the same fault again': its codes and their components."""
    keys = set()
    for code in codes:
        keys.add(f"code:{code.pk}")
        if code.component:
            keys.add(f"component:{code.component}")
    return frozenset(keys)


def failed_component(codes) -> str:
    """The component the fault codes name first (for longer component terms)."""
    return next((code.component for code in codes if code.component), "")


def past_repairs(unit, exclude: ServiceRequest | None = None) -> tuple[PastRepair, ...]:
    """The unit's finished requests, oldest first, as the warranty rules see them."""
    requests = (
        ServiceRequest.objects.filter(unit=unit, status__in=DONE)
        .prefetch_related("fault_codes")
        .order_by("received_at", "id")
    )
    if exclude is not None and exclude.pk:
        requests = requests.exclude(pk=exclude.pk)
    return tuple(
        PastRepair(
            number=r.number,
            received_on=timezone.localdate(r.received_at),
            resolved_on=timezone.localdate(r.resolved_at) if r.resolved_at else None,
            fault_keys=fault_keys(r.fault_codes.all()),
            free=r.entitlement.get("repair_charge") == FREE,
        )
        for r in requests
    )


def evaluate_unit(
    unit,
    fault: str = FaultCause.UNKNOWN,
    reported_on: datetime.date | None = None,
    *,
    fault_codes=(),
) -> Decision:
    """The decision for a fault reported now (or on `reported_on`), from the unit's history."""
    fault_codes = list(fault_codes)
    return evaluate(
        unit,
        fault,
        reported_on,
        component=failed_component(fault_codes),
        fault_keys=fault_keys(fault_codes),
        repairs=past_repairs(unit),
    )


def decide_for(request: ServiceRequest, fault_codes=None) -> Decision | None:
    """The decision for a request's unit and fault, as of when the customer reached us.

    `fault_codes` are given for a request not yet saved; otherwise its own are read.
    """
    if request.unit_id is None:
        return None
    codes = list(request.fault_codes.all() if fault_codes is None else fault_codes)
    return evaluate(
        request.unit,
        request.fault_cause,
        min(timezone.localdate(request.received_at), timezone.localdate()),
        component=failed_component(codes),
        fault_keys=fault_keys(codes),
        repairs=past_repairs(request.unit, exclude=request),
    )


def snapshot(request: ServiceRequest) -> Decision | None:
    """The decision a request was handled under, read back from its snapshot."""
    return Decision.from_json(request.entitlement) if request.entitlement else None
