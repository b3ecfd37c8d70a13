"""Rules of returns (RMA) and trade-in: who may do what, what the warranty allows, each step
of a return in one transaction with its history row and its timeline entry, refunds with
their deductions, exchanges that register the new unit, and trade-in valuations and credits.

Every public function checks (`check_*`), then changes; nothing is written when a rule
refuses. Steps take the version the user saw: a return changed meanwhile is a Conflict.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role, role_of
from aftersales.assets import services as assets
from aftersales.assets.models import Unit, UnitStatus
from aftersales.core.counters import next_value
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.returns.models import (
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    REMEDY_OF_KIND,
    AccessoryDeduction,
    Condition,
    CreditStatus,
    ReturnAuthorisation,
    ReturnEvent,
    RmaKind,
    RmaStatus,
    TradeInCredit,
    TradeInRate,
)
from aftersales.service import access, entitlement
from aftersales.service.choices import EventKind, Status, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.warranty.dates import add_months
from aftersales.warranty.models import PaymentMethod, Remedy

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# --- Who may do what ----------------------------------------------------------------------


def can_view(user) -> bool:
    """The back office sees every return; partner staff their center's requests' returns."""
    role = role_of(user)
    if role is None:
        return False
    return user.is_back_office or (role == Role.PARTNER and bool(user.service_center_id))


def can_run(user) -> bool:
    """Agents and managers authorise returns and record their steps."""
    role = role_of(user)
    return role is not None and (user.is_manager or role == Role.AGENT)


def can_manage(user) -> bool:
    """Managers override the warranty and keep the deduction and trade-in tables."""
    return role_of(user) is not None and user.is_manager


def visible_returns(user, queryset=None):
    queryset = ReturnAuthorisation.objects.all() if queryset is None else queryset
    if not can_view(user):
        return queryset.none()
    if user.is_back_office:
        return queryset
    return queryset.filter(request__in=access.visible_requests(user).values("pk"))


def check_run(user) -> None:
    if not can_run(user):
        raise NotAllowed(_("Only agents and service managers may handle returns."))


def check_manage(user) -> None:
    if not can_manage(user):
        raise NotAllowed(_("Only a service manager may change this."))


# --- Authorisation ------------------------------------------------------------------------


def _number(prefix: str) -> str:
    year = timezone.localdate().year
    return f"{prefix}-{year}-{next_value(f'{prefix}-{year}'):06d}"


def decision_for(request: ServiceRequest):
    """The warranty decision the request is handled under (its snapshot), or a fresh one
    when it has none yet; None when no decision can be made."""
    decision = entitlement.snapshot(request)
    if decision is None and request.unit_id:
        try:
            decision = entitlement.decide_for(request)
        except DomainError:
            return None
    return decision


@dataclass(frozen=True)
class Allowance:
    """What the warranty allows for a kind of return on a request, and why."""

    kind: str
    allowed: bool
    remedies: tuple[str, ...]
    reasons: tuple[str, ...]


def allowance(request: ServiceRequest, kind: str) -> Allowance:
    return _allowance(decision_for(request), kind)


def allowances(request: ServiceRequest) -> list[Allowance]:
    """What the warranty allows for every kind of return, deciding once (the request page
    shows them all; each decision reads the unit's history)."""
    decision = decision_for(request)
    return [_allowance(decision, kind) for kind in RmaKind.values]


def _allowance(decision, kind: str) -> Allowance:
    remedies = tuple(decision.eligible_remedies) if decision else ()
    reasons = tuple(decision.reason_texts) if decision else ()
    return Allowance(kind, REMEDY_OF_KIND[kind] in remedies, remedies, reasons)


def check_authorise(actor, request: ServiceRequest, kind: str, override_reason: str = ""):
    """May `actor` authorise a return of `kind` on `request`? Returns the Allowance; raises
    when not. Outside what the warranty allows, only a manager may, with a reason."""
    check_run(actor)
    if not access.can_view(actor, request):
        raise NotAllowed(_("You may not see this request."))
    if kind not in RmaKind.values:
        raise DomainError(
            _("Choose refund, exchange or depot repair."), code="invalid_kind", field="kind"
        )
    if request.status in (Status.CLOSED, Status.CANCELLED):
        raise DomainError(
            _("Request %(number)s is %(status)s; reopen it before starting a return.")
            % {"number": request.number, "status": request.get_status_display().lower()}
        )
    if request.unit_id is None:
        raise DomainError(
            _("Record the unit (serial number) on the request before starting a return."),
            field="unit",
        )
    if request.unit.status != UnitStatus.IN_USE:
        raise DomainError(
            _("Unit %(serial)s is already %(status)s.")
            % {"serial": request.unit.serial_number, "status": request.unit.get_status_display()}
        )
    running = ReturnAuthorisation.objects.filter(
        unit_id=request.unit_id, status__in=OPEN_STATUSES
    ).first()
    if running:
        raise Conflict(
            _("Unit %(serial)s already has return %(number)s under way; finish or close it first.")
            % {"serial": request.unit.serial_number, "number": running.number}
        )
    allowed = allowance(request, kind)
    if not allowed.allowed:
        if not can_manage(actor):
            raise NotAllowed(
                _(
                    "The warranty decision does not allow %(kind)s for this request "
                    "(allowed: %(allowed)s). Only a service manager may override it, "
                    "with a reason."
                )
                % {"kind": RmaKind(kind).label.lower(), "allowed": _remedy_list(allowed.remedies)},
                code="not_entitled",
            )
        if not (override_reason or "").strip():
            raise DomainError(
                _(
                    "The warranty decision does not allow %(kind)s for this request. Give a "
                    "reason to override it."
                )
                % {"kind": RmaKind(kind).label.lower()},
                code="override_reason_missing",
                field="override_reason",
            )
    return allowed


def _remedy_list(remedies) -> str:
    if not remedies:
        return _("nothing free")
    return ", ".join(str(Remedy(r).label).lower() for r in remedies)


def _check_money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        value = Decimal(str(value)).quantize(CENT)
    except ArithmeticError:
        raise DomainError(_("Give the amount as a number, e.g. 2999.00."), field=field) from None
    if value < 0:
        raise DomainError(_("The amount cannot be negative."), field=field)
    return value


@transaction.atomic
def authorise(
    actor,
    request: ServiceRequest,
    *,
    kind: str,
    reason: str = "",
    price_paid=None,
    override_reason: str = "",
) -> ReturnAuthorisation:
    """Authorise a return of the request's unit: refund, exchange or depot repair."""
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=request.pk)
    )
    Unit.objects.select_for_update().filter(pk=request.unit_id).first()
    allowed = check_authorise(actor, request, kind, override_reason)
    price = _check_money(price_paid, "price_paid")
    overridden = not allowed.allowed
    rma = ReturnAuthorisation.objects.create(
        number=_number("RMA"),
        request=request,
        unit=request.unit,
        customer_id=request.customer_id,
        kind=kind,
        reason=(reason or "").strip(),
        price_paid=price,
        allowed_remedies=list(allowed.remedies),
        warranty_reasons=list(allowed.reasons),
        overridden=overridden,
        override_reason=override_reason.strip() if overridden else "",
        override_by=actor if overridden else None,
        created_by=actor,
    )
    body = _("Return %(number)s authorised: %(kind)s of unit %(serial)s.") % {
        "number": rma.number,
        "kind": rma.get_kind_display().lower(),
        "serial": rma.unit.serial_number,
    }
    _history(rma, actor, "authorised", "", body=body, data={"overridden": overridden})
    _timeline(rma, actor, "authorised", body, public=True)
    if overridden:
        note = _("Manager override of the warranty decision: %(reason)s") % {
            "reason": rma.override_reason
        }
        _timeline(rma, actor, "override", note, public=False)
    return rma


# --- History and timeline -----------------------------------------------------------------


def _history(rma, actor, action, from_status, *, body="", data=None) -> ReturnEvent:
    return ReturnEvent.objects.create(
        rma=rma,
        action=action,
        from_status=from_status,
        to_status=rma.status,
        actor=actor,
        body=body,
        data=data or {},
    )


def _timeline(rma, actor, action, body, *, public: bool) -> TimelineEvent:
    now = timezone.now()
    ServiceRequest.objects.filter(pk=rma.request_id).update(updated_at=now)
    return TimelineEvent.objects.create(
        request_id=rma.request_id,
        kind=EventKind.RETURN,
        actor=actor,
        body=body,
        visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
        data={"rma": rma.pk, "number": rma.number, "action": action, "status": rma.status},
        created_at=now,
    )


def _locked(rma: ReturnAuthorisation, version) -> ReturnAuthorisation:
    current = (
        ReturnAuthorisation.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__product", "request", "customer")
        .get(pk=rma.pk)
    )
    if version not in (None, "") and current.version != int(version):
        raise Conflict(
            _(
                "Someone else changed return %(number)s while you were looking at it. Reload "
                "the page to see what they did."
            )
            % {"number": current.number},
            code="stale_version",
        )
    return current


def _expect(rma, *statuses) -> None:
    if rma.status not in statuses:
        raise Conflict(
            _("Return %(number)s is %(status)s; this step is not possible now.")
            % {"number": rma.number, "status": rma.get_status_display().lower()},
            code="wrong_status",
        )


def _move(rma, to: str, fields: list[str]) -> str:
    previous = rma.status
    rma.status = to
    rma.version += 1
    rma.save(update_fields=[*fields, "status", "version", "updated_at"])
    return previous


# --- Steps --------------------------------------------------------------------------------


def deductions_available(rma_or_unit):
    """The accessory deductions that apply to the unit's product category (or any)."""
    unit = rma_or_unit.unit if isinstance(rma_or_unit, ReturnAuthorisation) else rma_or_unit
    chain, category = [], unit.product.category
    while category is not None and category.pk not in chain:
        chain.append(category.pk)
        category = category.parent
    return AccessoryDeduction.objects.filter(
        Q(category__isnull=True) | Q(category_id__in=chain), active=True
    ).select_related("category")


@transaction.atomic
def receive(
    rma: ReturnAuthorisation,
    actor,
    *,
    condition: str,
    missing=(),
    accessories_present: str = "",
    note: str = "",
    photos=(),
    version=None,
) -> ReturnAuthorisation:
    """The returned item arrived: its condition, accessories (present / missing) and photos
    (kept as the request's attachments)."""
    check_run(actor)
    rma = _locked(rma, version)
    _expect(rma, RmaStatus.AUTHORISED)
    if condition not in Condition.values:
        raise DomainError(_("Choose the condition the item arrived in."), field="condition")
    missing = list(missing)
    allowed = set(deductions_available(rma).values_list("pk", flat=True))
    if any(item.pk not in allowed for item in missing):
        raise DomainError(
            _("A missing accessory is not in the deduction table for this product."),
            field="missing",
        )
    from aftersales.service.services import add_attachment

    attachments = [
        add_attachment(rma.request, actor=actor, upload=photo, visibility=Visibility.INTERNAL)
        for photo in photos
    ]
    rma.received_at = timezone.now()
    rma.condition = condition
    rma.accessories_present = (accessories_present or "").strip()
    rma.receipt_note = (note or "").strip()
    previous = _move(
        rma, RmaStatus.RECEIVED, ["received_at", "condition", "accessories_present", "receipt_note"]
    )
    rma.missing_accessories.set(missing)
    data = {
        "condition": condition,
        "missing": [item.name for item in missing],
        "photos": [a.token for a in attachments],
    }
    body = _("Returned item received (%(condition)s).") % {
        "condition": rma.get_condition_display().lower()
    }
    if missing:
        body += " " + _("Missing: %(items)s.") % {"items": ", ".join(i.name for i in missing)}
    _history(rma, actor, "received", previous, body=rma.receipt_note, data=data)
    _timeline(rma, actor, "received", body, public=True)
    return rma


@transaction.atomic
def inspect(
    rma: ReturnAuthorisation,
    actor,
    *,
    fault_confirmed: bool,
    customer_damage: bool = False,
    note: str = "",
    version=None,
) -> ReturnAuthorisation:
    """The inspection: is the reported fault there, and did the customer damage the unit?"""
    check_run(actor)
    rma = _locked(rma, version)
    _expect(rma, RmaStatus.RECEIVED)
    if fault_confirmed is None:
        raise DomainError(_("Say whether the fault was confirmed."), field="fault_confirmed")
    rma.inspected_at = timezone.now()
    rma.fault_confirmed = bool(fault_confirmed)
    rma.customer_damage = bool(customer_damage)
    rma.inspection_note = (note or "").strip()
    previous = _move(
        rma,
        RmaStatus.INSPECTED,
        ["inspected_at", "fault_confirmed", "customer_damage", "inspection_note"],
    )
    found = [_("fault confirmed") if rma.fault_confirmed else _("fault not confirmed")]
    if rma.customer_damage:
        found.append(_("customer damage found"))
    body = _("Inspected: %(found)s.") % {"found": ", ".join(found)}
    if rma.inspection_note:
        body += " " + rma.inspection_note
    data = {"fault_confirmed": rma.fault_confirmed, "customer_damage": rma.customer_damage}
    _history(rma, actor, "inspected", previous, body=rma.inspection_note, data=data)
    _timeline(rma, actor, "inspected", body, public=False)
    return rma


def _check_quality_fault(rma) -> None:
    """A refund or an exchange needs the inspection to confirm the fault and find no damage."""
    if not rma.fault_confirmed or rma.customer_damage:
        raise DomainError(
            _(
                "The inspection did not confirm a quality fault without customer damage; "
                "reject the return with a reason the customer will read, or repair it."
            ),
            code="fault_not_confirmed",
        )


def _check_kind(rma, kind) -> None:
    if rma.kind != kind:
        raise DomainError(
            _("Return %(number)s is for %(kind)s.")
            % {"number": rma.number, "kind": rma.get_kind_display().lower()},
            code="wrong_kind",
        )


@dataclass(frozen=True)
class RefundFigures:
    price_paid: Decimal
    lines: tuple[tuple[str, Decimal], ...]
    deductions: Decimal
    refund: Decimal


def refund_figures(rma: ReturnAuthorisation, price_paid=None) -> RefundFigures:
    """Price paid − deductions for missing accessories (amount, or percent of the price),
    never below zero."""
    price = _check_money(price_paid, "price_paid")
    price = price if price is not None else rma.price_paid
    if price is None:
        raise DomainError(_("Give the price the customer paid."), field="price_paid")
    lines = []
    for item in rma.missing_accessories.all():
        if item.amount is not None:
            amount = item.amount
        else:
            amount = (price * item.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append((item.name, amount))
    deductions = sum((amount for _name, amount in lines), ZERO)
    return RefundFigures(price, tuple(lines), deductions, max(price - deductions, ZERO))


@transaction.atomic
def refund(
    rma: ReturnAuthorisation, actor, *, method: str, price_paid=None, note="", version=None
) -> ReturnAuthorisation:
    """Refund the customer: the price paid less the deductions; the unit is returned."""
    check_run(actor)
    rma = _locked(rma, version)
    _check_kind(rma, RmaKind.REFUND)
    _expect(rma, RmaStatus.INSPECTED)
    _check_quality_fault(rma)
    if method not in PaymentMethod.values:
        raise DomainError(_("Choose how the money goes back to the customer."), field="method")
    figures = refund_figures(rma, price_paid)
    rma.price_paid = figures.price_paid
    rma.deductions = figures.deductions
    rma.deduction_lines = [{"name": n, "amount": f"{a:.2f}"} for n, a in figures.lines]
    rma.refund_amount = figures.refund
    rma.refund_method = method
    rma.outcome_at = timezone.now()
    previous = _move(
        rma,
        RmaStatus.REFUNDED,
        [
            "price_paid",
            "deductions",
            "deduction_lines",
            "refund_amount",
            "refund_method",
            "outcome_at",
        ],
    )
    assets.set_unit_status(
        rma.unit,
        UnitStatus.RETURNED,
        actor=actor,
        reason=_("Refunded (%(number)s)") % {"number": rma.number},
    )
    body = _("Refund of %(amount)s CNY by %(method)s.") % {
        "amount": f"{figures.refund:.2f}",
        "method": rma.get_refund_method_display(),
    }
    if figures.deductions:
        body += " " + _("Deducted %(amount)s CNY for missing accessories (%(items)s).") % {
            "amount": f"{figures.deductions:.2f}",
            "items": ", ".join(name for name, _a in figures.lines),
        }
    data = {
        "price_paid": f"{figures.price_paid:.2f}",
        "deductions": rma.deduction_lines,
        "refund": f"{figures.refund:.2f}",
        "method": method,
    }
    _history(rma, actor, "refunded", previous, body=(note or "").strip(), data=data)
    _timeline(rma, actor, "refunded", body, public=True)
    return rma


@transaction.atomic
def exchange(
    rma: ReturnAuthorisation, actor, *, new_serial: str, note="", version=None
) -> ReturnAuthorisation:
    """Give the customer a new unit of the same model: it is registered to them with its
    warranty starting today (三包: an exchanged unit starts anew); the old one is replaced."""
    check_run(actor)
    rma = _locked(rma, version)
    _check_kind(rma, RmaKind.EXCHANGE)
    _expect(rma, RmaStatus.INSPECTED)
    _check_quality_fault(rma)
    if not assets.normalize_serial(new_serial):
        raise DomainError(_("Give the serial number of the new unit."), field="new_serial")
    old = rma.unit
    today = timezone.localdate()
    new = assets.register_unit(
        actor=actor,
        serial_number=new_serial,
        product=old.product,
        customer=rma.customer,
        purchased_on=old.purchased_on,
        sales_channel=old.sales_channel,
        invoice_number=old.invoice_number,
        delivered_on=today,
        warranty_starts_on=today,
        notes=_("Given in exchange for %(serial)s (%(number)s).")
        % {"serial": old.serial_number, "number": rma.number},
    )
    assets.set_unit_status(
        old,
        UnitStatus.REPLACED,
        actor=actor,
        reason=_("Exchanged for %(serial)s (%(number)s)")
        % {"serial": new.serial_number, "number": rma.number},
    )
    rma.replacement_unit = new
    rma.outcome_at = timezone.now()
    previous = _move(rma, RmaStatus.EXCHANGED, ["replacement_unit", "outcome_at"])
    body = _("Exchanged: new unit %(new)s replaces %(old)s; its warranty starts on %(day)s.") % {
        "new": new.serial_number,
        "old": old.serial_number,
        "day": today.isoformat(),
    }
    data = {"old_unit": old.pk, "new_unit": new.pk, "new_serial": new.serial_number}
    _history(rma, actor, "exchanged", previous, body=(note or "").strip(), data=data)
    _timeline(rma, actor, "exchanged", body, public=True)
    return rma


@transaction.atomic
def ship_repaired(
    rma: ReturnAuthorisation, actor, *, repair_note: str, tracking_number="", version=None
) -> ReturnAuthorisation:
    """The depot repaired the unit and shipped it back."""
    check_run(actor)
    rma = _locked(rma, version)
    _check_kind(rma, RmaKind.DEPOT_REPAIR)
    _expect(rma, RmaStatus.INSPECTED)
    if not (repair_note or "").strip():
        raise DomainError(_("Say what was repaired."), field="repair_note")
    rma.repair_note = repair_note.strip()
    rma.tracking_number = (tracking_number or "").strip()
    rma.outcome_at = timezone.now()
    previous = _move(
        rma, RmaStatus.REPAIRED_SHIPPED, ["repair_note", "tracking_number", "outcome_at"]
    )
    body = _("Repaired and shipped back: %(note)s") % {"note": rma.repair_note}
    if rma.tracking_number:
        body += " " + _("Tracking number %(number)s.") % {"number": rma.tracking_number}
    _history(
        rma,
        actor,
        "repaired_shipped",
        previous,
        body=rma.repair_note,
        data={"tracking_number": rma.tracking_number},
    )
    _timeline(rma, actor, "repaired_shipped", body, public=True)
    return rma


@transaction.atomic
def reject(rma: ReturnAuthorisation, actor, *, reason: str, version=None) -> ReturnAuthorisation:
    """Refuse the return, with a reason the customer reads on the request."""
    check_run(actor)
    rma = _locked(rma, version)
    _expect(rma, RmaStatus.AUTHORISED, RmaStatus.RECEIVED, RmaStatus.INSPECTED)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason the customer will read."), field="reason")
    rma.rejection_reason = reason.strip()
    rma.outcome_at = timezone.now()
    previous = _move(rma, RmaStatus.REJECTED, ["rejection_reason", "outcome_at"])
    body = _("Return %(number)s rejected: %(reason)s") % {
        "number": rma.number,
        "reason": rma.rejection_reason,
    }
    _history(rma, actor, "rejected", previous, body=rma.rejection_reason)
    _timeline(rma, actor, "rejected", body, public=True)
    return rma


@transaction.atomic
def close(rma: ReturnAuthorisation, actor, *, note: str = "", version=None):
    """Close a return once its outcome is done."""
    check_run(actor)
    rma = _locked(rma, version)
    if rma.status not in OUTCOME_STATUSES:
        raise Conflict(
            _("Return %(number)s has no outcome yet; record it before closing.")
            % {"number": rma.number},
            code="wrong_status",
        )
    rma.closed_at = timezone.now()
    previous = _move(rma, RmaStatus.CLOSED, ["closed_at"])
    body = _("Return %(number)s closed.") % {"number": rma.number}
    _history(rma, actor, "closed", previous, body=(note or "").strip())
    _timeline(rma, actor, "closed", body, public=False)
    return rma


# The steps a return may take next, for pages and API clients.
def next_steps(rma: ReturnAuthorisation) -> list[str]:
    steps = {
        RmaStatus.AUTHORISED: ["receive", "reject"],
        RmaStatus.RECEIVED: ["inspect", "reject"],
        RmaStatus.INSPECTED: [
            {
                RmaKind.REFUND: "refund",
                RmaKind.EXCHANGE: "exchange",
                RmaKind.DEPOT_REPAIR: "ship",
            }[rma.kind],
            "reject",
        ],
    }
    if rma.status in OUTCOME_STATUSES:
        return ["close"]
    return steps.get(rma.status, [])


# --- Deduction table ----------------------------------------------------------------------


@transaction.atomic
def save_deduction(item: AccessoryDeduction, actor) -> AccessoryDeduction:
    check_manage(actor)
    if (item.amount is None) == (item.percent is None):
        raise DomainError(
            _("Give either a fixed amount or a percentage of the price, not both."),
            field="amount",
        )
    if item.amount is not None and item.amount < 0:
        raise DomainError(_("The amount cannot be negative."), field="amount")
    if item.percent is not None and not (0 <= item.percent <= 100):
        raise DomainError(_("The percentage must be between 0 and 100."), field="percent")
    if not (item.name or "").strip():
        raise DomainError(_("Name the accessory."), field="name")
    item.save()
    return item


# --- Trade-in (折价回收) -------------------------------------------------------------------


def age_in_months(start: datetime.date, on: datetime.date) -> int:
    """Whole months from `start` to `on` (a unit bought on 3-15 is 1 month old on 4-15)."""
    months = (on.year - start.year) * 12 + on.month - start.month
    if add_months(start, months) > on:
        months -= 1
    return max(months, 0)


@transaction.atomic
def save_rate(rate: TradeInRate, actor) -> TradeInRate:
    check_manage(actor)
    if rate.product_id and rate.category_id:
        raise DomainError(_("Give a product or a category, not both."), field="category")
    if rate.value is None or rate.value < 0:
        raise DomainError(_("The value cannot be negative."), field="value")
    if rate.max_age_months is not None and rate.max_age_months <= rate.min_age_months:
        raise DomainError(_("The age band must end after it starts."), field="max_age_months")
    clashes = TradeInRate.objects.filter(
        product_id=rate.product_id, category_id=rate.category_id, condition=rate.condition
    ).exclude(pk=rate.pk)
    if rate.max_age_months is not None:
        clashes = clashes.filter(min_age_months__lt=rate.max_age_months)
    clashes = clashes.filter(
        Q(max_age_months__isnull=True) | Q(max_age_months__gt=rate.min_age_months)
    )
    if clashes.exists():
        raise Conflict(
            _("Another rate for the same product, category and condition covers these ages."),
            field="min_age_months",
        )
    rate.save()
    return rate


@dataclass(frozen=True)
class Valuation:
    unit: Unit
    condition: str
    age_months: int
    value: Decimal
    rate: TradeInRate


def valuation(unit: Unit, condition: str, on: datetime.date | None = None) -> Valuation:
    """What `unit` in `condition` is worth as a trade-in today: the rate for its product,
    else its category (nearest first), else any product, whose age band holds its age."""
    if condition not in Condition.values:
        raise DomainError(_("Choose the unit's condition."), field="condition")
    if unit.purchased_on is None:
        raise DomainError(
            _("The purchase date of %(serial)s is unknown; record it to value the unit.")
            % {"serial": unit.serial_number},
            field="unit",
        )
    on = on or timezone.localdate()
    age = age_in_months(unit.purchased_on, on)
    chain, category = [], unit.product.category
    while category is not None and category.pk not in chain:
        chain.append(category.pk)
        category = category.parent
    candidates = (
        TradeInRate.objects.filter(
            Q(product_id=unit.product_id)
            | Q(product__isnull=True, category_id__in=chain)
            | Q(product__isnull=True, category__isnull=True),
            condition=condition,
            min_age_months__lte=age,
        )
        .filter(Q(max_age_months__isnull=True) | Q(max_age_months__gt=age))
        .select_related("product", "category")
    )

    def rank(rate):
        if rate.product_id:
            return 0
        return 1 + (chain.index(rate.category_id) if rate.category_id else len(chain))

    ranked = sorted(candidates, key=lambda r: (rank(r), r.pk))
    if not ranked:
        raise DomainError(
            _(
                "No trade-in rate for %(product)s at %(age)s months in %(condition)s condition; "
                "ask a manager to add one."
            )
            % {
                "product": unit.product,
                "age": age,
                "condition": Condition(condition).label.lower(),
            },
            code="no_rate",
        )
    rate = ranked[0]
    return Valuation(unit, condition, age, rate.value, rate)


@transaction.atomic
def issue_credit(actor, unit: Unit, condition: str) -> TradeInCredit:
    """Take the old unit in: its valuation becomes the customer's credit; the unit is
    marked returned."""
    check_run(actor)
    unit = Unit.objects.select_for_update().select_related("product").get(pk=unit.pk)
    if not access.visible_units(actor).filter(pk=unit.pk).exists():
        raise NotAllowed(_("You may not see this unit."))
    if unit.status != UnitStatus.IN_USE:
        raise DomainError(
            _("Unit %(serial)s is %(status)s and cannot be traded in.")
            % {"serial": unit.serial_number, "status": unit.get_status_display().lower()}
        )
    if TradeInCredit.objects.filter(old_unit=unit).exists():
        raise Conflict(_("This unit was already traded in."))
    found = valuation(unit, condition)
    credit = TradeInCredit.objects.create(
        number=_number("TI"),
        customer_id=unit.customer_id,
        old_unit=unit,
        condition=condition,
        age_months=found.age_months,
        rate=found.rate,
        value=found.value,
        issued_by=actor,
    )
    assets.set_unit_status(
        unit,
        UnitStatus.RETURNED,
        actor=actor,
        reason=_("Traded in for a credit of %(value)s CNY (%(number)s)")
        % {"value": f"{found.value:.2f}", "number": credit.number},
    )
    return credit


@transaction.atomic
def use_credit(
    actor, credit: TradeInCredit, *, new_unit: Unit | None = None, reference: str = ""
) -> TradeInCredit:
    """Spend the credit on a new purchase: a unit of the same customer, or a reference."""
    check_run(actor)
    credit = TradeInCredit.objects.select_for_update().get(pk=credit.pk)
    if credit.status != CreditStatus.ISSUED:
        raise Conflict(_("Credit %(number)s was already used.") % {"number": credit.number})
    if new_unit is None and not (reference or "").strip():
        raise DomainError(
            _("Give the new unit or the purchase (order or invoice number)."), field="new_unit"
        )
    if new_unit is not None and new_unit.customer_id != credit.customer_id:
        raise DomainError(_("The new unit belongs to another customer."), field="new_unit")
    if new_unit is not None and new_unit.pk == credit.old_unit_id:
        raise DomainError(_("The credit is for a new purchase, not the old unit."), "new_unit")
    credit.status = CreditStatus.USED
    credit.used_on_unit = new_unit
    credit.used_reference = (reference or "").strip()
    credit.used_by = actor
    credit.used_at = timezone.now()
    credit.save()
    return credit


def visible_credits(user, queryset=None):
    queryset = TradeInCredit.objects.all() if queryset is None else queryset
    if not can_view(user):
        return queryset.none()
    if user.is_back_office:
        return queryset
    return queryset.filter(old_unit__in=access.visible_units(user).values("pk"))
