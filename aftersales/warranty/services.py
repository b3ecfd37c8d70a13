"""Warranty use cases: 三包 windows, policies, plans, contracts, extended and supplier cover.

`warranty_dates` gives a unit's 三包 windows under its policy, for lists and badges; the
full decision (extended warranties, contracts, repair history, exclusions) is
`warranty.decision`.

The rest are the administration's rules. Each public change checks who may make it and
whether it is valid (`check_*`), then writes the change and its history row in one
transaction; a refusal (`DomainError`, or `ValidationError` for field problems) writes
nothing. Views, the API, the admin and `manage.py update_contracts` call these.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.accounts.roles import Role, signed_in
from aftersales.assets.models import Unit, UnitEvent
from aftersales.core.changes import apply_changes
from aftersales.core.counters import next_value
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.warranty.dates import add_months
from aftersales.warranty.decision import PolicyBook
from aftersales.warranty.models import (
    ClaimStatus,
    ComponentWarranty,
    ContractEvent,
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)


@dataclass(frozen=True)
class WarrantyDates:
    purchased_on: datetime.date | None
    return_until: datetime.date | None
    exchange_until: datetime.date | None
    repair_until: datetime.date | None

    def status_on(self, day: datetime.date) -> str:
        """'return', 'exchange', 'repair' (the best remedy still open), 'expired' or 'unknown'."""
        if self.purchased_on is None:
            return "unknown"
        if day <= self.return_until:
            return "return"
        if day <= self.exchange_until:
            return "exchange"
        if day <= self.repair_until:
            return "repair"
        return "expired"


STATUS_LABELS = {
    "return": _("Return, exchange or repair (三包)"),
    "exchange": _("Exchange or repair"),
    "repair": _("Repair under warranty"),
    "expired": _("Out of warranty"),
    "unknown": _("Purchase date unknown"),
}


def warranty_dates(unit, book: PolicyBook | None = None) -> WarrantyDates:
    """The 三包 windows of `unit` under its policy, counted from its purchase (invoice) date,
    or from the exchange that gave it. Pass a `PolicyBook` when showing many units."""
    start = unit.warranty_starts_on or unit.purchased_on
    if start is None:
        return WarrantyDates(None, None, None, None)
    policy = (book or PolicyBook()).for_product(unit.product)
    return WarrantyDates(
        purchased_on=start,
        return_until=start + datetime.timedelta(days=policy.return_days),
        exchange_until=start + datetime.timedelta(days=policy.exchange_days),
        repair_until=add_months(start, policy.repair_months),
    )


# --- Who may ------------------------------------------------------------------------------
#
# The back office (administrators, service managers, agents, dispatchers) reads policies,
# plans and contracts: that is what they tell customers. Administrators and service
# managers change them. Agents also sell extended warranties on the phone.


def can_read(user) -> bool:
    return signed_in(user) and user.is_back_office


def can_manage(user) -> bool:
    return signed_in(user) and user.is_manager


def can_add_extended(user) -> bool:
    return can_manage(user) or (can_read(user) and user.role == Role.AGENT)


def check_manage(actor) -> None:
    """`actor` None is the system itself (the daily command, demo data)."""
    if actor is not None and not can_manage(actor):
        raise NotAllowed(
            _("Only administrators and service managers may change warranty terms and contracts.")
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _check_price(errors: dict, value, name: str = "price") -> None:
    if value is not None and Decimal(value) < 0:
        errors[name] = _("The amount cannot be negative.")


def _check_currency(errors: dict, obj) -> None:
    obj.currency = (obj.currency or "").strip().upper()
    if len(obj.currency) != 3 or not obj.currency.isalpha():
        errors["currency"] = _("Use a three-letter currency code such as CNY.")


def _day(value: datetime.date) -> str:
    return value.isoformat()


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


# --- Policies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentTerm:
    """A longer repair warranty for a named main component, as entered."""

    component: str
    months: int


def _clean_terms(terms) -> list[ComponentTerm]:
    return [ComponentTerm((t.component or "").strip(), int(t.months)) for t in terms]


def check_policy(policy: WarrantyPolicy, terms: list[ComponentTerm] | None = None) -> None:
    """The terms must make sense together, and each scope has one policy.

    `terms` are the component terms the policy will have; None keeps the stored ones
    (which must still be longer than a changed repair warranty).
    """
    errors: dict = {}
    try:
        # Field values and the model's own rules (category or product, one default);
        # uniqueness is checked below with messages that name the policy in the way.
        policy.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "exchange_days" not in errors and policy.exchange_days < policy.return_days:
        errors["exchange_days"] = _(
            "The exchange window (%(exchange)s) cannot be shorter than the return window "
            "(%(return)s)."
        ) % {"exchange": _days(policy.exchange_days), "return": _days(policy.return_days)}
    # The shortest month has 28 days: the repair warranty must outlast the exchange window.
    if "repair_months" not in errors and policy.repair_months * 28 < policy.exchange_days:
        errors["repair_months"] = _(
            "The repair warranty (%(months)s) cannot end before the exchange window (%(days)s)."
        ) % {"months": _months(policy.repair_months), "days": _days(policy.exchange_days)}
    others = WarrantyPolicy.objects.exclude(pk=policy.pk)
    if policy.category_id:
        taken = others.filter(category_id=policy.category_id).first()
        if taken:
            errors["category"] = _(
                "%(scope)s already has a policy: %(policy)s. Change that one instead."
            ) % {"scope": policy.category, "policy": taken.name}
    if policy.product_id:
        taken = others.filter(product_id=policy.product_id).first()
        if taken:
            errors["product"] = _(
                "%(scope)s already has a policy: %(policy)s. Change that one instead."
            ) % {"scope": policy.product, "policy": taken.name}
    if terms is None:
        terms = [
            ComponentTerm(t.component, t.months)
            for t in (policy.component_terms.all() if policy.pk else ())
        ]
    problems = []
    seen = set()
    for term in _clean_terms(terms):
        if not term.component:
            problems.append(_("Name the component of each longer term."))
        elif term.component in seen:
            problems.append(_("%(component)s is listed twice.") % {"component": term.component})
        elif term.months <= policy.repair_months:
            problems.append(
                _(
                    "The %(component)s term (%(months)s) must be longer than the repair "
                    "warranty (%(repair)s), or it changes nothing."
                )
                % {
                    "component": term.component,
                    "months": _months(term.months),
                    "repair": _months(policy.repair_months),
                }
            )
        seen.add(term.component)
    if problems:
        errors["component_terms"] = problems
    _raise(errors)


@transaction.atomic
def save_policy(
    policy: WarrantyPolicy, *, actor, terms: list[ComponentTerm] | None = None
) -> WarrantyPolicy:
    """Create or change a policy (its fields already set) and, if given, its component terms.

    Decisions already taken keep the terms they were taken under (their snapshots); new
    decisions use the new terms from now on.
    """
    check_manage(actor)
    check_policy(policy, terms)
    policy.name = policy.name.strip()
    policy.save()
    if terms is not None:
        wanted = {term.component: term.months for term in _clean_terms(terms)}
        policy.component_terms.exclude(component__in=wanted).delete()
        for component, months in wanted.items():
            ComponentWarranty.objects.update_or_create(
                policy=policy, component=component, defaults={"months": months}
            )
    return policy


# --- Service plans --------------------------------------------------------------------------


def check_plan(plan: ServicePlan) -> None:
    errors: dict = {}
    plan.code = (plan.code or "").strip().lower()
    try:
        plan.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    _check_currency(errors, plan)
    _check_price(errors, plan.price)
    if (
        "resolution_hours" not in errors
        and plan.response_hours is not None
        and plan.resolution_hours is not None
        and plan.resolution_hours < plan.response_hours
    ):
        errors["resolution_hours"] = _(
            "The resolution target (%(resolution)s h) cannot be shorter than the first "
            "response target (%(response)s h)."
        ) % {"resolution": plan.resolution_hours, "response": plan.response_hours}
    if (
        "onsite_hours" not in errors
        and plan.onsite_hours is not None
        and plan.resolution_hours is not None
        and plan.onsite_hours > plan.resolution_hours
    ):
        errors["onsite_hours"] = _(
            "The on-site arrival target (%(onsite)s h) cannot be later than the resolution "
            "target (%(resolution)s h)."
        ) % {"onsite": plan.onsite_hours, "resolution": plan.resolution_hours}
    others = ServicePlan.objects.exclude(pk=plan.pk)
    if plan.code and others.filter(code=plan.code).exists():
        errors["code"] = _("Another plan already has the code %(code)s.") % {"code": plan.code}
    if plan.active and plan.rank is not None:
        # When contracts overlap, the better-ranked plan applies: ranks must not tie.
        tie = others.filter(active=True, rank=plan.rank).first()
        if tie:
            errors["rank"] = _(
                "Rank %(rank)s is already %(plan)s's; give each plan its own rank so that "
                "the better one applies when contracts overlap."
            ) % {"rank": plan.rank, "plan": tie.name}
    _raise(errors)


@transaction.atomic
def save_plan(plan: ServicePlan, *, actor) -> ServicePlan:
    """Create or change a plan. Contracts refer to it: its changed targets apply to them."""
    check_manage(actor)
    check_plan(plan)
    plan.save()
    return plan


# --- Extended warranties --------------------------------------------------------------------


def check_add_extended(actor, unit: Unit) -> None:
    if actor is not None and not can_add_extended(actor):
        raise NotAllowed(_("Only service managers and agents may add extended warranties."))


def check_extended(cover: ExtendedWarranty) -> None:
    errors: dict = {}
    cover.name = (cover.name or "").strip()
    cover.reference = (cover.reference or "").strip()
    try:
        cover.full_clean(exclude=["unit"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    _check_currency(errors, cover)
    _check_price(errors, cover.price)
    starts, ends = cover.starts_on, cover.ends_on
    if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends <= starts:
        errors["ends_on"] = _("The cover must end after it starts (%(start)s).") % {
            "start": _day(starts)
        }
    bought = cover.unit.purchased_on
    if isinstance(starts, datetime.date) and bought and starts < bought:
        errors["starts_on"] = _("The cover cannot start before the unit was bought (%(date)s).") % {
            "date": _day(bought)
        }
    if cover.reference:
        same = ExtendedWarranty.objects.filter(unit=cover.unit, reference=cover.reference)
        if same.exclude(pk=cover.pk).exists():
            errors["reference"] = _(
                "Certificate %(reference)s is already recorded for this unit."
            ) % {"reference": cover.reference}
    _raise(errors)


@transaction.atomic
def add_extended_warranty(unit: Unit, *, actor, **fields) -> ExtendedWarranty:
    """Record cover bought for `unit`; the unit's history says who added it."""
    check_add_extended(actor, unit)
    fields.setdefault("currency", settings.DEFAULT_CURRENCY)
    cover = ExtendedWarranty(unit=unit, **fields)
    # Two agents recording the same certificate at once: the second waits for the first.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    check_extended(cover)
    cover.save()
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEvent.Kind.UPDATED,
        actor=actor,
        body=f"{cover.name} {cover.reference}".strip()
        + f": {_day(cover.starts_on)} – {_day(cover.ends_on)}",
        data={
            "extended_warranty": {
                "id": cover.pk,
                "name": cover.name,
                "reference": cover.reference,
                "starts_on": _day(cover.starts_on),
                "ends_on": _day(cover.ends_on),
                "covers_accidental_damage": cover.covers_accidental_damage,
                "price": str(cover.price),
                "currency": cover.currency,
            }
        },
    )
    return cover


# --- Supplier (back-to-back) warranties ---------------------------------------------------


def check_supplier_warranty(cover: SupplierWarranty) -> None:
    errors: dict = {}
    cover.supplier = (cover.supplier or "").strip()
    cover.component = (cover.component or "").strip()
    try:
        cover.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not cover.product_id and not cover.spare_part_id:
        errors["product"] = _("Say what the supplier answers for: a product or a spare part.")
    if cover.months is not None and cover.months < 1 and "months" not in errors:
        errors["months"] = _("The cover must last at least one month.")
    _check_price(errors, cover.labour_rate, "labour_rate")
    _raise(errors)


@transaction.atomic
def save_supplier_warranty(cover: SupplierWarranty, *, actor) -> SupplierWarranty:
    check_manage(actor)
    check_supplier_warranty(cover)
    cover.save()
    return cover


# --- Vendor recovery claims ---------------------------------------------------------------

# Where a claim may go next. Paid and rejected are final.
CLAIM_MOVES = {
    ClaimStatus.OPEN: (ClaimStatus.SUBMITTED, ClaimStatus.REJECTED),
    ClaimStatus.SUBMITTED: (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED),
    ClaimStatus.ACCEPTED: (ClaimStatus.PAID, ClaimStatus.REJECTED),
    ClaimStatus.PAID: (),
    ClaimStatus.REJECTED: (),
}


def claim_moves(claim: VendorClaim) -> tuple[str, ...]:
    return CLAIM_MOVES.get(claim.status, ())


def open_vendor_claims(request, decision_snapshot: dict, actor=None) -> list[VendorClaim]:
    """One OPEN claim per supplier cover named in the decision a request was resolved under.

    Called when a request is resolved free of charge, after the service workflow has
    checked who may resolve it. Safe to call again: a request has one claim per cover
    (unique constraint), and an existing claim is returned as it is. The amount asked
    is the cover's labour refund per repair; parts are added by hand before submitting.
    """
    covers = (decision_snapshot or {}).get("supplier_cover") or []
    ids = list(dict.fromkeys(item["id"] for item in covers if item.get("id")))
    found = SupplierWarranty.objects.in_bulk(ids)
    claims = []
    with transaction.atomic():
        for pk in ids:
            cover = found.get(pk)
            if cover is None:
                continue
            claim, _created = VendorClaim.objects.get_or_create(
                request=request,
                supplier_warranty=cover,
                defaults={"amount": cover.labour_rate, "currency": settings.DEFAULT_CURRENCY},
            )
            claims.append(claim)
    return claims


def check_claim_move(actor, claim: VendorClaim, to: str) -> None:
    check_manage(actor)
    if to not in ClaimStatus.values:
        raise DomainError(
            _("%(status)s is not a claim status. Use one of: %(statuses)s.")
            % {"status": to, "statuses": ", ".join(ClaimStatus.values)},
            field="to",
        )
    allowed = claim_moves(claim)
    if to not in allowed:
        raise DomainError(
            _("A claim that is %(current)s cannot become %(target)s. Next can be: %(allowed)s.")
            % {
                "current": ClaimStatus(claim.status).label,
                "target": ClaimStatus(to).label,
                "allowed": ", ".join(str(ClaimStatus(s).label) for s in allowed)
                or _("nothing (it is settled)"),
            },
            code="illegal_transition",
            field="to",
        )


@transaction.atomic
def move_claim(
    claim: VendorClaim,
    *,
    actor,
    to: str,
    reference: str | None = None,
    amount=None,
    note: str = "",
) -> VendorClaim:
    """Move a claim on (submitted, accepted, paid or rejected), with the supplier's answer."""
    check_manage(actor)
    claim = VendorClaim.objects.select_for_update().get(pk=claim.pk)
    check_claim_move(actor, claim, to)
    note = (note or "").strip()
    if to == ClaimStatus.REJECTED and not note:
        raise DomainError(
            _("Say why the claim was rejected."), code="reason_required", field="note"
        )
    if amount is not None:
        errors: dict = {}
        _check_price(errors, amount, "amount")
        _raise(errors)
        claim.amount = _money(amount)
    if to == ClaimStatus.PAID and claim.amount <= 0:
        raise DomainError(_("Say how much the supplier paid."), field="amount")
    if reference is not None:
        claim.reference = reference.strip()
    if note:
        stamp = f"{_day(timezone.localdate())} {ClaimStatus(to).label}: {note}"
        claim.notes = f"{claim.notes}\n{stamp}".strip()
    claim.status = to
    claim.save(update_fields=["status", "amount", "reference", "notes", "updated_at"])
    return claim


# --- Service contracts --------------------------------------------------------------------


class EventKind(models.TextChoices):
    """What a `ContractEvent` records."""

    QUOTED = "quoted", _("Quoted")
    CHANGED = "changed", _("Quote changed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ACTIVATED = "activated", _("Became active")
    CANCELLED = "cancelled", _("Cancelled")
    RENEWAL_QUOTED = "renewal_quoted", _("Renewal quoted")
    RENEWED = "renewed", _("Renewed")
    EXPIRED = "expired", _("Expired")


class Action(models.TextChoices):
    """What a person can do to a contract."""

    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    ACTIVATE = "activate", _("Activate")
    CANCEL = "cancel", _("Cancel")
    RENEW = "renew", _("Renew")


S = ContractStatus
ALLOWED_FROM = {
    Action.ACCEPT: {S.QUOTE},
    Action.DECLINE: {S.QUOTE},
    Action.ACTIVATE: {S.ACCEPTED},
    Action.CANCEL: {S.ACCEPTED, S.ACTIVE},
    Action.RENEW: {S.ACTIVE},
}
# A contract in one of these no longer changes.
FINISHED = frozenset({S.EXPIRED, S.RENEWED, S.DECLINED, S.CANCELLED})
# Contract statuses that count as "under contract" for a renewal having taken over.
TOOK_OVER = (S.ACTIVE, S.EXPIRED, S.RENEWED)
REMINDER_DAYS = 60
MAX_MONTHS = 120


def contract_number(today: datetime.date | None = None) -> str:
    """CT-<year>-<four or more digits>, counted per year."""
    year = (today or timezone.localdate()).year
    return f"CT-{year}-{next_value(f'CT-{year}'):04d}"


def whole_months(starts_on: datetime.date, ends_on: datetime.date) -> int | None:
    """12 for 2026-03-01 … 2027-02-28: the period is that many whole months; else None."""
    for months in range(1, MAX_MONTHS + 1):
        last = add_months(starts_on, months) - datetime.timedelta(days=1)
        if last == ends_on:
            return months
        if last > ends_on:
            return None
    return None


def default_price(plan: ServicePlan, starts_on: datetime.date, ends_on: datetime.date) -> Decimal:
    """The plan's yearly price for the period: by months when whole, else by days."""
    months = whole_months(starts_on, ends_on)
    if months is not None:
        return _money(plan.price * months / 12)
    days = (ends_on - starts_on).days + 1
    return _money(plan.price * days / 365)


def default_end(starts_on: datetime.date, months: int = 12) -> datetime.date:
    return add_months(starts_on, months) - datetime.timedelta(days=1)


def _status(contract: ServiceContract) -> str:
    return str(ContractStatus(contract.status).label).lower()


def _refusal(contract: ServiceContract, action: str, today: datetime.date) -> str | None:
    """Why `action` cannot be done to `contract` now, or None when it can."""
    facts = {"number": contract.number, "status": _status(contract)}
    if contract.status not in ALLOWED_FROM[action]:
        if action == Action.CANCEL and contract.status == S.QUOTE:
            return _("Quote %(number)s is not cancelled but declined: use Decline.") % facts
        messages = {
            Action.ACCEPT: _("Only a quote can be accepted; contract %(number)s is %(status)s."),
            Action.DECLINE: _("Only a quote can be declined; contract %(number)s is %(status)s."),
            Action.ACTIVATE: _(
                "Only an accepted contract can be activated; contract %(number)s is %(status)s."
            ),
            Action.CANCEL: _(
                "Only an accepted or active contract can be cancelled; contract %(number)s "
                "is %(status)s."
            ),
            Action.RENEW: _(
                "Only an active contract can be renewed; contract %(number)s is %(status)s. "
                "Make a new contract for the customer instead."
            ),
        }
        return messages[action] % facts
    if action == Action.ACCEPT and contract.ends_on < today:
        return _(
            "The period of quote %(number)s ended on %(date)s; change its dates before "
            "accepting it."
        ) % {**facts, "date": _day(contract.ends_on)}
    if action == Action.ACTIVATE and contract.starts_on > today:
        return _("Contract %(number)s starts on %(date)s; it becomes active on that day.") % {
            **facts,
            "date": _day(contract.starts_on),
        }
    if action == Action.RENEW:
        renewal = renewal_of(contract)
        if renewal is not None:
            return _("Contract %(number)s already has a renewal: %(renewal)s (%(state)s).") % {
                **facts,
                "renewal": renewal.number,
                "state": _status(renewal),
            }
        if not contract.plan.active:
            return _(
                "The plan %(plan)s is no longer sold; make a new contract with another plan."
            ) % {"plan": contract.plan.name}
    return None


def renewal_of(contract: ServiceContract) -> ServiceContract | None:
    """The contract renewing `contract`, if any (loaded with `select_related("renewal")`)."""
    try:
        return contract.renewal
    except ServiceContract.DoesNotExist:
        return None


def check_action(actor, contract: ServiceContract, action: str, today=None) -> None:
    check_manage(actor)
    if action not in Action.values:
        raise DomainError(
            _("%(action)s is not something a contract can do. Use one of: %(actions)s.")
            % {"action": action, "actions": ", ".join(Action.values)},
            field="action",
        )
    refusal = _refusal(contract, action, today or timezone.localdate())
    if refusal:
        raise DomainError(refusal, code="illegal_transition")


def available_actions(actor, contract: ServiceContract, today=None) -> list[str]:
    """The actions `actor` may take on `contract` now, for buttons."""
    if not can_manage(actor):
        return []
    today = today or timezone.localdate()
    return [action for action in Action.values if _refusal(contract, action, today) is None]


def _event(contract, kind: str, actor, *, body: str = "", **data) -> ContractEvent:
    return ContractEvent.objects.create(
        contract=contract, kind=kind, actor=actor, body=body, data=data
    )


def _locked(contract: ServiceContract, expected_version=None) -> ServiceContract:
    """Re-read the contract under a row lock: two people acting at once act one by one."""
    current = (
        ServiceContract.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=contract.pk)
    )
    if expected_version is not None and current.version != int(expected_version):
        raise Conflict(
            _(
                "Someone else changed contract %(number)s meanwhile. Reload the page to see "
                "their change, then try again."
            )
            % {"number": current.number},
            code="stale_version",
        )
    return current


def _save(contract: ServiceContract, fields) -> None:
    contract.version += 1
    contract.save(update_fields=[*fields, "version", "updated_at"])


def check_contract(
    *,
    customer,
    plan: ServicePlan,
    starts_on: datetime.date,
    ends_on: datetime.date,
    price,
    all_units: bool,
    units,
    plan_changed: bool = True,
) -> None:
    """The terms of a quote: a plan on sale, a period, a price, and the customer's units."""
    errors: dict = {}
    if plan_changed and not plan.active:
        errors["plan"] = _("The plan %(plan)s is no longer sold.") % {"plan": plan.name}
    if ends_on <= starts_on:
        errors["ends_on"] = _("The contract must end after it starts (%(start)s).") % {
            "start": _day(starts_on)
        }
    _check_price(errors, price)
    if not all_units:
        if not units:
            errors["units"] = _(
                "Choose the units the contract covers, or choose all of the customer's units."
            )
        others = sorted(u.serial_number for u in units if u.customer_id != customer.pk)
        if others:
            errors["units"] = _("Only units of %(customer)s can be covered; not %(serials)s.") % {
                "customer": customer.name,
                "serials": ", ".join(others),
            }
    _raise(errors)


def _terms(contract: ServiceContract) -> dict:
    return {
        "plan": contract.plan.name,
        "starts_on": _day(contract.starts_on),
        "ends_on": _day(contract.ends_on),
        "price": str(contract.price),
        "currency": contract.currency,
        "all_units": contract.all_units,
        "units": sorted(contract.units.values_list("serial_number", flat=True))
        if not contract.all_units
        else [],
    }


@transaction.atomic
def create_contract(
    *,
    actor,
    customer,
    plan: ServicePlan,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    price=None,
    all_units: bool = True,
    units=(),
    notes: str = "",
    renewal_of: ServiceContract | None = None,
) -> ServiceContract:
    """Quote a contract for `customer`: `plan` over all or some of its units for a period.

    The end defaults to a year; the price to the plan's yearly price for the period.
    """
    check_manage(actor)
    units = list(units)
    ends_on = ends_on or default_end(starts_on)
    check_contract(
        customer=customer,
        plan=plan,
        starts_on=starts_on,
        ends_on=ends_on,
        price=price,
        all_units=all_units,
        units=units,
    )
    contract = ServiceContract(
        number=contract_number(),
        customer=customer,
        plan=plan,
        starts_on=starts_on,
        ends_on=ends_on,
        all_units=all_units,
        price=default_price(plan, starts_on, ends_on) if price is None else _money(price),
        currency=plan.currency,
        notes=(notes or "").strip(),
        renewal_of=renewal_of,
        created_by=actor,
    )
    contract.save()
    if not all_units:
        contract.units.set(units)
    data = _terms(contract)
    if renewal_of is not None:
        data["renewal_of"] = renewal_of.number
    _event(contract, EventKind.QUOTED, actor, **data)
    return contract


KEEP = object()


@transaction.atomic
def update_quote(
    contract: ServiceContract,
    *,
    actor,
    expected_version=None,
    plan=KEEP,
    starts_on=KEEP,
    ends_on=KEEP,
    price=KEEP,
    all_units=KEEP,
    units=KEEP,
    notes=KEEP,
) -> ServiceContract:
    """Change a quote before the customer answers. `price=None` asks for the plan's price."""
    check_manage(actor)
    contract = _locked(contract, expected_version)
    if contract.status != S.QUOTE:
        raise DomainError(
            _("Only a quote can be changed; contract %(number)s is %(status)s.")
            % {"number": contract.number, "status": _status(contract)},
            code="illegal_transition",
        )
    given = {
        name: value
        for name, value in {
            "plan": plan,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "all_units": all_units,
            "notes": notes,
        }.items()
        if value is not KEEP
    }
    if "notes" in given:
        given["notes"] = (given["notes"] or "").strip()
    new_plan = given.get("plan", contract.plan)
    new_start = given.get("starts_on", contract.starts_on)
    new_end = given.get("ends_on", contract.ends_on)
    if price is KEEP:
        new_price = contract.price
    elif price is None:
        new_price = default_price(new_plan, new_start, new_end)
    else:
        new_price = _money(price)
    old_units = sorted(contract.units.all(), key=lambda u: u.serial_number)
    new_all = given.get("all_units", contract.all_units)
    new_units = [] if new_all else list(old_units if units is KEEP else units)
    check_contract(
        customer=contract.customer,
        plan=new_plan,
        starts_on=new_start,
        ends_on=new_end,
        price=new_price,
        all_units=new_all,
        units=new_units,
        plan_changed=new_plan.pk != contract.plan_id,
    )
    diff = apply_changes(contract, {**given, "price": new_price})
    if "plan" in diff and contract.currency != new_plan.currency:
        diff.update(apply_changes(contract, {"currency": new_plan.currency}))
    before = [u.serial_number for u in old_units]
    after = sorted(u.serial_number for u in new_units)
    if before != after:
        diff["units"] = [before, after]
    if not diff:
        return contract
    _save(contract, [name for name in diff if name != "units"])
    if "units" in diff:
        contract.units.set(new_units)
    _event(contract, EventKind.CHANGED, actor, changes=diff)
    return contract


def _settle_original(contract: ServiceContract, actor, today: datetime.date) -> str | None:
    """A renewal that became active takes over from the contract it renews, once that ended.

    Returns the number of the contract marked renewed, if any.
    """
    if not contract.renewal_of_id:
        return None
    original = ServiceContract.objects.select_for_update().get(pk=contract.renewal_of_id)
    ended = original.status == S.EXPIRED or (
        original.status == S.ACTIVE and original.ends_on < today
    )
    if ended:
        source = original.status
        original.status = S.RENEWED
        _save(original, ["status"])
        _event(original, EventKind.RENEWED, actor, renewal=contract.number, **{"from": source})
        return original.number
    return None


def _activate(contract: ServiceContract, actor, today: datetime.date) -> None:
    contract.status = S.ACTIVE
    _save(contract, ["status"])
    _event(contract, EventKind.ACTIVATED, actor, starts_on=_day(contract.starts_on))
    _settle_original(contract, actor, today)


@transaction.atomic
def accept_contract(
    contract: ServiceContract, *, actor, note: str = "", expected_version=None, today=None
) -> ServiceContract:
    """The customer accepted the quote; it is active at once if its start has come."""
    today = today or timezone.localdate()
    check_manage(actor)
    contract = _locked(contract, expected_version)
    check_action(actor, contract, Action.ACCEPT, today)
    contract.status = S.ACCEPTED
    _save(contract, ["status"])
    _event(contract, EventKind.ACCEPTED, actor, body=(note or "").strip())
    if contract.starts_on <= today:
        _activate(contract, actor, today)
    return contract


@transaction.atomic
def decline_contract(
    contract: ServiceContract, *, actor, note: str = "", expected_version=None, today=None
) -> ServiceContract:
    check_manage(actor)
    contract = _locked(contract, expected_version)
    check_action(actor, contract, Action.DECLINE, today)
    contract.status = S.DECLINED
    _save(contract, ["status"])
    _event(contract, EventKind.DECLINED, actor, body=(note or "").strip())
    return contract


@transaction.atomic
def activate_contract(
    contract: ServiceContract, *, actor, expected_version=None, today=None
) -> ServiceContract:
    """Activate an accepted contract whose start has come (the daily command does it too)."""
    today = today or timezone.localdate()
    check_manage(actor)
    contract = _locked(contract, expected_version)
    check_action(actor, contract, Action.ACTIVATE, today)
    _activate(contract, actor, today)
    return contract


@transaction.atomic
def cancel_contract(
    contract: ServiceContract, *, actor, reason: str, expected_version=None, today=None
) -> ServiceContract:
    """End an accepted or active contract early. Requests already decided keep their cover."""
    check_manage(actor)
    contract = _locked(contract, expected_version)
    check_action(actor, contract, Action.CANCEL, today)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say why the contract is cancelled."), code="reason_required", field="reason"
        )
    source = contract.status
    contract.status = S.CANCELLED
    contract.cancelled_on = today or timezone.localdate()
    _save(contract, ["status", "cancelled_on"])
    _event(contract, EventKind.CANCELLED, actor, body=reason, **{"from": source})
    return contract


@transaction.atomic
def renew_contract(
    contract: ServiceContract, *, actor, price=None, expected_version=None, today=None
) -> ServiceContract:
    """Quote the next period: from the day after the end, as long, same plan and units."""
    check_manage(actor)
    contract = _locked(contract, expected_version)
    check_action(actor, contract, Action.RENEW, today)
    starts_on = contract.ends_on + datetime.timedelta(days=1)
    months = whole_months(contract.starts_on, contract.ends_on)
    ends_on = (
        default_end(starts_on, months)
        if months
        else starts_on + (contract.ends_on - contract.starts_on)
    )
    renewal = create_contract(
        actor=actor,
        customer=contract.customer,
        plan=contract.plan,
        starts_on=starts_on,
        ends_on=ends_on,
        price=price,
        all_units=contract.all_units,
        units=contract.units.all(),
        renewal_of=contract,
    )
    # The contract now has a renewal: a page showing "Renew" is out of date.
    _save(contract, [])
    _event(contract, EventKind.RENEWAL_QUOTED, actor, renewal=renewal.number)
    return renewal


ACTIONS = {
    Action.ACCEPT: accept_contract,
    Action.DECLINE: decline_contract,
    Action.ACTIVATE: activate_contract,
    Action.CANCEL: cancel_contract,
    Action.RENEW: renew_contract,
}


@dataclass
class ContractUpdate:
    """What `update_contracts` did, by contract number."""

    activated: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    renewed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.activated) + len(self.expired) + len(self.renewed)


def _claim(pk: int, source: str, target: str) -> bool:
    """Move one contract from `source` to `target` if nobody else did already.

    Compare-and-swap: several runs at once (two workers, a retry) change each contract
    once; the one whose update changed the row writes the history.
    """
    changed = ServiceContract.objects.filter(pk=pk, status=source).update(
        status=target, version=F("version") + 1, updated_at=timezone.now()
    )
    return changed == 1


def update_contracts(today: datetime.date | None = None) -> ContractUpdate:
    """The daily run: accepted contracts whose start has come become active; active ones
    past their end expire, or are renewed when their renewal is in force.

    Safe to run twice or in parallel; it changes only what is due.
    """
    today = today or timezone.localdate()
    result = ContractUpdate()
    due = ServiceContract.objects.filter(status=S.ACCEPTED, starts_on__lte=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            if not _claim(pk, S.ACCEPTED, S.ACTIVE):
                continue
            contract = ServiceContract.objects.get(pk=pk)
            _event(contract, EventKind.ACTIVATED, None, starts_on=_day(contract.starts_on))
            result.activated.append(contract.number)
            renewed = _settle_original(contract, None, today)
            if renewed:
                result.renewed.append(renewed)
    ended = ServiceContract.objects.filter(status=S.ACTIVE, ends_on__lt=today)
    for pk in ended.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            renewal = ServiceContract.objects.filter(renewal_of=pk, status__in=TOOK_OVER).first()
            target = S.RENEWED if renewal else S.EXPIRED
            if not _claim(pk, S.ACTIVE, target):
                continue
            contract = ServiceContract.objects.get(pk=pk)
            if renewal:
                _event(
                    contract, EventKind.RENEWED, None, renewal=renewal.number, **{"from": S.ACTIVE}
                )
                result.renewed.append(contract.number)
            else:
                _event(contract, EventKind.EXPIRED, None, ends_on=_day(contract.ends_on))
                result.expired.append(contract.number)
    return result


def renewal_reminders(days: int = REMINDER_DAYS, today: datetime.date | None = None):
    """Active contracts ending within `days` that have no renewal yet, soonest first."""
    today = today or timezone.localdate()
    return (
        ServiceContract.objects.filter(
            status=S.ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=days),
            renewal__isnull=True,
        )
        .select_related("customer", "plan")
        .order_by("ends_on", "id")
    )


def contracts_for_unit(unit: Unit):
    """The contracts that name `unit` or cover all of its owner's units, newest first."""
    return (
        ServiceContract.objects.filter(customer_id=unit.customer_id)
        .filter(Q(all_units=True) | Q(units=unit))
        .exclude(status__in=[S.DECLINED])
        .select_related("plan")
        .distinct()
        .order_by("-ends_on", "-id")
    )
