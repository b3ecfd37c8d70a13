"""The entitlement decision: what a customer is owed for a fault on a unit, and why.

`evaluate()` is the one place these rules live. The service app supplies the unit's
past repairs (`PastRepair`), so this module needs nothing from it. A decision is
stored with each service request as a snapshot (`Decision.as_json`), with its reasons
as codes and parameters, so that it reads in each reader's language and a later policy
change never rewrites what a request was handled under.

The rules follow the 三包 regulation: "within N days" means
`reported_on <= start + N days`, where start is the purchase (invoice) date, or the
exchange date for a unit given in exchange; days spent in repair under warranty
extend the repair warranty; after the policy's number of failed repairs of the same
fault the customer may ask for an exchange (or a refund).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.catalog.models import Category
from aftersales.core.errors import DomainError
from aftersales.warranty.dates import add_months
from aftersales.warranty.models import (
    AfterFailedRepairs,
    ContractStatus,
    CountsFrom,
    ExtendedWarranty,
    FaultCause,
    Remedy,
    ServiceContract,
    SupplierWarranty,
    WarrantyPolicy,
)

FREE = "free"
CHARGEABLE = "chargeable"


class Status:
    IN_WARRANTY = "in_warranty"
    EXTENDED = "extended"
    CONTRACT = "contract"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


STATUS_LABELS = {
    Status.IN_WARRANTY: gettext_lazy("In warranty"),
    Status.EXTENDED: gettext_lazy("Extended warranty"),
    Status.CONTRACT: gettext_lazy("Under contract"),
    Status.EXPIRED: gettext_lazy("Out of warranty"),
    Status.UNKNOWN: gettext_lazy("Warranty unknown"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class PastRepair:
    """An earlier repair of the unit, as far as warranty cares."""

    number: str
    received_on: datetime.date
    resolved_on: datetime.date | None
    fault_keys: frozenset[str] = frozenset()
    free: bool = False  # handled free under warranty


@dataclass(frozen=True)
class Reason:
    """One sentence of the decision, kept as a code and its facts; worded when read."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return reason_text(self.code, self.params)


@dataclass(frozen=True)
class Decision:
    reported_on: datetime.date
    fault: str
    eligible_remedies: tuple[str, ...]
    repair_charge: str
    warranty_status: str
    warranty_ends_on: datetime.date | None
    policy: dict
    windows: dict
    reasons: tuple[Reason, ...]
    contract: dict | None = None
    plan: dict | None = None
    extended_warranty: dict | None = None
    supplier_cover: tuple[dict, ...] = ()

    @property
    def is_free(self) -> bool:
        return self.repair_charge == FREE

    @property
    def status_label(self) -> str:
        return status_label(self.warranty_status)

    @property
    def reason_texts(self) -> list[str]:
        return [reason.text for reason in self.reasons]

    def as_json(self) -> dict:
        """The snapshot stored with a service request (dates as ISO strings)."""
        return {
            "reported_on": self.reported_on.isoformat(),
            "fault": self.fault,
            "eligible_remedies": list(self.eligible_remedies),
            "repair_charge": self.repair_charge,
            "warranty_status": self.warranty_status,
            "warranty_ends_on": _iso(self.warranty_ends_on),
            "policy": self.policy,
            "windows": self.windows,
            "contract": self.contract,
            "plan": self.plan,
            "extended_warranty": self.extended_warranty,
            "supplier_cover": list(self.supplier_cover),
            "reasons": [{"code": r.code, "params": r.params} for r in self.reasons],
        }

    def for_reader(self) -> dict:
        """The decision as people (and API clients) read it: reasons as sentences."""
        data = self.as_json()
        data["warranty_status_label"] = self.status_label
        data["reason_codes"] = [reason.code for reason in self.reasons]
        data["reasons"] = self.reason_texts
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Decision":
        return cls(
            reported_on=datetime.date.fromisoformat(data["reported_on"]),
            fault=data["fault"],
            eligible_remedies=tuple(data["eligible_remedies"]),
            repair_charge=data["repair_charge"],
            warranty_status=data["warranty_status"],
            warranty_ends_on=_date(data.get("warranty_ends_on")),
            policy=data["policy"],
            windows=data["windows"],
            reasons=tuple(Reason(r["code"], r.get("params", {})) for r in data["reasons"]),
            contract=data.get("contract"),
            plan=data.get("plan"),
            extended_warranty=data.get("extended_warranty"),
            supplier_cover=tuple(data.get("supplier_cover", ())),
        )


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


# --- Finding what applies --------------------------------------------------------------


def statutory_policy() -> WarrantyPolicy:
    """The 三包 defaults, when no policy was set up at all."""
    return WarrantyPolicy(name=_("Statutory 三包 terms"))


class PolicyBook:
    """Every policy, read once, to find the one for any product without a query each.

    Lists (a customer's units, the unit list, the API) show many units; policies are few.
    """

    def __init__(self):
        self.policies = list(WarrantyPolicy.objects.prefetch_related("component_terms"))
        self.by_product = {p.product_id: p for p in self.policies if p.product_id}
        self.by_category = {p.category_id: p for p in self.policies if p.category_id}
        defaults = [p for p in self.policies if not p.product_id and not p.category_id]
        self.default = min(defaults, key=lambda p: p.pk) if defaults else None
        self.parents = (
            dict(Category.objects.values_list("id", "parent_id")) if self.by_category else {}
        )

    def for_product(self, product) -> WarrantyPolicy:
        """The product's own policy, else its category's (or a parent's), else the default."""
        if product.pk in self.by_product:
            return self.by_product[product.pk]
        category, seen = product.category_id, set()
        while category is not None and category not in seen:
            if category in self.by_category:
                return self.by_category[category]
            seen.add(category)
            category = self.parents.get(category)
        return self.default or statutory_policy()


def policy_for(product) -> WarrantyPolicy:
    return PolicyBook().for_product(product)


def covering_contract(unit, day: datetime.date) -> ServiceContract | None:
    """The best-ranked contract in force for the unit on `day` (for a past day, a past one).

    A cancelled contract still answers for the days before it was cancelled, so a request
    reported then and decided later gets the cover the customer had when it was reported.
    """
    contracts = (
        ServiceContract.objects.filter(
            Q(all_units=True) | Q(units=unit),
            customer_id=unit.customer_id,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .exclude(status__in=[ContractStatus.QUOTE, ContractStatus.DECLINED])
        .exclude(Q(cancelled_on=None) | Q(cancelled_on__lte=day), status=ContractStatus.CANCELLED)
        .select_related("plan")
        .order_by("-plan__rank", "-ends_on", "id")
    )
    return contracts.first()


def covering_extended(unit, day: datetime.date) -> ExtendedWarranty | None:
    return (
        ExtendedWarranty.objects.filter(unit=unit, starts_on__lte=day, ends_on__gte=day)
        .order_by("-covers_accidental_damage", "-ends_on")
        .first()
    )


def supplier_cover(unit, day: datetime.date, component: str = "") -> list[dict]:
    """Back-to-back cover that answers for this unit (or the failed component) on `day`."""
    found = []
    covers = SupplierWarranty.objects.filter(active=True, product=unit.product_id)
    for cover in covers:
        if cover.component and cover.component != component:
            continue  # a compressor maker does not answer for an unknown or other fault
        start = unit.installed_on if cover.counts_from == CountsFrom.INSTALLATION else None
        start = start or unit.purchased_on
        if start is None:
            continue
        until = add_months(start, cover.months)
        if day <= until:
            found.append({"id": cover.pk, "supplier": cover.supplier, "until": until.isoformat()})
    return found


# --- The decision -----------------------------------------------------------------------


def evaluate(
    unit,
    fault: str = FaultCause.UNKNOWN,
    reported_on: datetime.date | None = None,
    *,
    component: str = "",
    fault_keys: frozenset[str] = frozenset(),
    repairs: tuple[PastRepair, ...] = (),
    today: datetime.date | None = None,
) -> Decision:
    """Decide what the customer is owed for `fault` on `unit` reported on `reported_on`.

    `component` names the failed part (for longer component terms and supplier cover);
    `fault_keys` identify the fault (e.g. "code:12", "component:压缩机") to count earlier
    failed repairs of the same fault among `repairs`.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    reported_on = reported_on or today
    if fault not in FaultCause.values:
        raise DomainError(
            _("%(fault)s is not a fault cause. Use one of: %(causes)s.")
            % {"fault": fault, "causes": ", ".join(FaultCause.values)},
            code="invalid_fault",
            field="fault",
        )
    if reported_on > today:
        raise DomainError(
            _("The reported date cannot be in the future."),
            code="invalid_date",
            field="reported_on",
        )
    policy = policy_for(unit.product)
    builder = _Builder(unit, fault, reported_on, policy, component, fault_keys, repairs)
    return builder.decide()


class _Builder:
    """Works one decision out step by step, collecting the reasons on the way."""

    def __init__(self, unit, fault, reported_on, policy, component, fault_keys, repairs):
        self.unit = unit
        self.fault = fault
        self.day = reported_on
        self.policy = policy
        self.component = component
        self.fault_keys = fault_keys
        self.repairs = repairs
        self.reasons: list[Reason] = []
        self.start = unit.warranty_starts_on or unit.purchased_on
        if self.start and reported_on < self.start:
            raise DomainError(
                _("The reported date %(day)s is before the warranty started (%(start)s).")
                % {"day": reported_on.isoformat(), "start": self.start.isoformat()},
                code="invalid_date",
                field="reported_on",
            )
        self.contract = covering_contract(unit, reported_on)
        self.extended = covering_extended(unit, reported_on)

    def reason(self, code: str, **params) -> None:
        self.reasons.append(Reason(code, params))

    # The windows, counted from the start of the warranty.

    def windows(self) -> dict:
        if self.start is None:
            return {}
        policy = self.policy
        repair_until = add_months(self.start, policy.repair_months)
        for term in policy.component_terms.all() if policy.pk else ():
            if self.component and term.component == self.component:
                longer = add_months(self.start, term.months)
                if longer > repair_until:
                    repair_until = longer
                    self.reason(
                        "component_term",
                        component=term.component,
                        months=term.months,
                        until=longer.isoformat(),
                    )
        days, numbers = self.days_in_repair(repair_until)
        if days:
            repair_until += datetime.timedelta(days=days)
            self.reason("repair_days_added", days=days, requests=", ".join(numbers))
        return {
            "start": self.start.isoformat(),
            "return_until": (self.start + datetime.timedelta(days=policy.return_days)).isoformat(),
            "exchange_until": (
                self.start + datetime.timedelta(days=policy.exchange_days)
            ).isoformat(),
            "repair_until": repair_until.isoformat(),
            "repair_days_added": days,
        }

    def days_in_repair(self, repair_until: datetime.date) -> tuple[int, list[str]]:
        """Days earlier warranty repairs kept the unit; they do not count against the warranty."""
        days, numbers = 0, []
        for repair in self.repairs:
            if not repair.free or repair.received_on < self.start:
                continue
            if repair.received_on > min(self.day, repair_until) or repair.resolved_on is None:
                continue
            spent = (repair.resolved_on - repair.received_on).days
            if spent > 0:
                days += spent
                numbers.append(repair.number)
        return days, numbers

    def failed_repairs(self) -> list[str]:
        """Earlier free repairs of the same fault: each one failed, as it is back."""
        if not self.fault_keys:
            return []
        return [
            r.number
            for r in self.repairs
            if r.free and r.fault_keys & self.fault_keys and r.received_on <= self.day
        ]

    # The decision.

    def decide(self) -> Decision:
        windows = self.windows()
        status, ends_on = self.status(windows)
        remedies, charge = self.remedies(windows, status)
        if self.contract:
            plan = self.contract.plan
            self.reason(
                "contract_sla",
                number=self.contract.number,
                plan=plan.name,
                response=plan.response_hours,
                onsite=plan.onsite_hours,
            )
        cover = supplier_cover(self.unit, self.day, self.component) if charge == FREE else []
        for item in cover:
            self.reason("supplier_cover", supplier=item["supplier"], until=item["until"])
        return Decision(
            reported_on=self.day,
            fault=self.fault,
            eligible_remedies=tuple(remedies),
            repair_charge=charge,
            warranty_status=status,
            warranty_ends_on=ends_on,
            policy=self.policy_facts(),
            windows=windows,
            reasons=tuple(self.reasons),
            contract=self.contract_facts(),
            plan=self.plan_facts(),
            extended_warranty=self.extended_facts(),
            supplier_cover=tuple(cover),
        )

    def status(self, windows: dict) -> tuple[str, datetime.date | None]:
        if windows and self.day <= datetime.date.fromisoformat(windows["repair_until"]):
            return Status.IN_WARRANTY, datetime.date.fromisoformat(windows["repair_until"])
        if self.extended:
            return Status.EXTENDED, self.extended.ends_on
        if self.contract:
            return Status.CONTRACT, self.contract.ends_on
        if not windows:
            return Status.UNKNOWN, None
        return Status.EXPIRED, datetime.date.fromisoformat(windows["repair_until"])

    def remedies(self, windows: dict, status: str) -> tuple[list[str], str]:
        if self.unit.warranty_starts_on:
            self.reason("warranty_restarted", date=self.unit.warranty_starts_on.isoformat())
        excluded = self.excluded()
        if excluded:
            return self.excluded_remedies(excluded)
        if self.fault == FaultCause.UNKNOWN:
            self.reason("cause_unknown")
        if not windows:
            self.reason("purchase_date_unknown")
            return self.after_warranty(status)
        return self.quality_remedies(windows, status)

    def excluded(self) -> str:
        """The exclusion that makes this fault chargeable, if any."""
        policy = self.policy
        if self.fault == FaultCause.CONSUMABLE and policy.excludes_consumables:
            return "excluded_consumable"
        if self.fault == FaultCause.CUSTOMER_DAMAGE and policy.excludes_customer_damage:
            return "excluded_customer_damage"
        if self.fault == FaultCause.WEAR and policy.excludes_wear:
            return "excluded_wear"
        return ""

    def excluded_remedies(self, exclusion: str) -> tuple[list[str], str]:
        accidental = self.extended and self.extended.covers_accidental_damage
        if exclusion == "excluded_customer_damage" and accidental:
            self.reason(
                "extended_accidental",
                name=self.extended.name,
                until=self.extended.ends_on.isoformat(),
            )
            return [Remedy.REPAIR], FREE
        if exclusion == "excluded_wear" and self.contract and self.contract.plan.covers_wear:
            self.reason("contract_covers_wear", number=self.contract.number)
            return [Remedy.REPAIR], FREE
        self.reason(exclusion)
        return self.offered_at_a_charge()

    def quality_remedies(self, windows: dict, status: str) -> tuple[list[str], str]:
        policy = self.policy
        since = (self.day - self.start).days
        if self.day <= datetime.date.fromisoformat(windows["return_until"]):
            self.reason(
                "within_return", days=since, start=windows["start"], limit=policy.return_days
            )
            return [Remedy.REFUND, Remedy.EXCHANGE, Remedy.REPAIR], FREE
        if self.day <= datetime.date.fromisoformat(windows["exchange_until"]):
            self.reason(
                "within_exchange",
                days=since,
                start=windows["start"],
                return_limit=policy.return_days,
                limit=policy.exchange_days,
            )
            return [Remedy.EXCHANGE, Remedy.REPAIR], FREE
        if status == Status.IN_WARRANTY:
            self.reason("within_repair", months=policy.repair_months, until=windows["repair_until"])
            return self.repeated_failures([Remedy.REPAIR]), FREE
        self.reason("warranty_expired", until=windows["repair_until"])
        return self.after_warranty(status)

    def repeated_failures(self, remedies: list[str]) -> list[str]:
        failed = self.failed_repairs()
        limit = self.policy.failed_repairs_for_exchange
        if limit and len(failed) >= limit:
            more = [Remedy.EXCHANGE]
            if self.policy.after_failed_repairs == AfterFailedRepairs.EXCHANGE_OR_REFUND:
                more.insert(0, Remedy.REFUND)
            self.reason(
                "repeated_failures",
                count=len(failed),
                requests=", ".join(failed),
                limit=limit,
                remedies=[str(r) for r in more],
            )
            return [*more, *remedies]
        return remedies

    def after_warranty(self, status: str) -> tuple[list[str], str]:
        """Past the repair warranty (or no purchase date): other cover, or a charge."""
        if self.extended:
            self.reason(
                "extended_covers", name=self.extended.name, until=self.extended.ends_on.isoformat()
            )
            return [Remedy.REPAIR], FREE
        if self.contract and self.contract.plan.covers_repairs:
            self.reason(
                "contract_covers",
                number=self.contract.number,
                plan=self.contract.plan.name,
                until=self.contract.ends_on.isoformat(),
            )
            return [Remedy.REPAIR], FREE
        if self.policy.lifetime_repair and status != Status.UNKNOWN:
            self.reason("lifetime_repair")
            return [Remedy.REPAIR], FREE
        return self.offered_at_a_charge()

    def offered_at_a_charge(self) -> tuple[list[str], str]:
        if self.policy.out_of_warranty_repair:
            self.reason("repair_at_a_charge")
            return [Remedy.REPAIR], CHARGEABLE
        self.reason("no_repair_offered")
        return [], CHARGEABLE

    # Facts for the snapshot.

    def policy_facts(self) -> dict:
        p = self.policy
        return {
            "id": p.pk,
            "name": p.name,
            "return_days": p.return_days,
            "exchange_days": p.exchange_days,
            "repair_months": p.repair_months,
            "failed_repairs_for_exchange": p.failed_repairs_for_exchange,
        }

    def contract_facts(self) -> dict | None:
        c = self.contract
        if c is None:
            return None
        return {
            "id": c.pk,
            "number": c.number,
            "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(),
        }

    def plan_facts(self) -> dict | None:
        if self.contract is None:
            return None
        plan = self.contract.plan
        return {
            "id": plan.pk,
            "code": plan.code,
            "name": plan.name,
            "response_hours": plan.response_hours,
            "resolution_hours": plan.resolution_hours,
            "onsite_hours": plan.onsite_hours,
        }

    def extended_facts(self) -> dict | None:
        e = self.extended
        if e is None:
            return None
        return {
            "id": e.pk,
            "name": e.name,
            "ends_on": e.ends_on.isoformat(),
            "covers_accidental_damage": e.covers_accidental_damage,
        }


# --- Reasons in words ---------------------------------------------------------------------


def _day(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "Y-m-d")


def reason_text(code: str, params: dict) -> str:
    """One reason as a sentence in the current language."""
    p = dict(params)
    for key in ("start", "until", "date"):
        if key in p:
            p[key] = _day(p[key])
    if "remedies" in p:
        p["remedies"] = _(" or ").join(str(Remedy(r).label).lower() for r in p["remedies"])
    texts = {
        "purchase_date_unknown": _(
            "The purchase date is unknown: ask for the invoice. Until it is shown, the unit "
            "is treated as out of warranty."
        ),
        "warranty_restarted": _(
            "This unit was given in exchange; its warranty started anew on %(date)s."
        ),
        "within_return": ngettext(
            "Purchased %(days)s day ago (%(start)s), within the %(limit)s-day return "
            "window: refund, exchange or free repair.",
            "Purchased %(days)s days ago (%(start)s), within the %(limit)s-day return "
            "window: refund, exchange or free repair.",
            p.get("days", 0),
        ),
        "within_exchange": _(
            "Purchased %(days)s days ago (%(start)s): past the %(return_limit)s-day return "
            "window, within the %(limit)s-day exchange window: exchange or free repair."
        ),
        "within_repair": _(
            "Within the %(months)s-month repair warranty, which runs until %(until)s: free repair."
        ),
        "component_term": _("The %(component)s has a %(months)s-month warranty, until %(until)s."),
        "repair_days_added": ngettext(
            "The repair warranty is extended by %(days)s day the unit spent in repair "
            "under warranty (%(requests)s).",
            "The repair warranty is extended by %(days)s days the unit spent in repair "
            "under warranty (%(requests)s).",
            p.get("days", 0),
        ),
        "repeated_failures": _(
            "The same fault has been repaired %(count)s times under warranty "
            "(%(requests)s); after %(limit)s failed repairs the customer may also ask for "
            "%(remedies)s."
        ),
        "warranty_expired": _("The repair warranty ended on %(until)s."),
        "extended_covers": _(
            "The extended warranty “%(name)s” covers it until %(until)s: free repair."
        ),
        "extended_accidental": _(
            "The extended warranty “%(name)s” covers accidental damage until %(until)s: "
            "free repair."
        ),
        "contract_covers": _(
            "Contract %(number)s (%(plan)s) covers it until %(until)s: free repair."
        ),
        "contract_covers_wear": _("Contract %(number)s covers wear and tear: free repair."),
        "contract_sla": _(
            "Contract %(number)s (%(plan)s) applies: first response within %(response)s h, "
            "on site within %(onsite)s h."
        ),
        "lifetime_repair": _("The policy repairs product defects free for the unit's life."),
        "repair_at_a_charge": _("Repair is offered at a charge: make a quote."),
        "no_repair_offered": _("The policy offers no repair after the warranty."),
        "excluded_customer_damage": _(
            "Damage caused by the customer is not covered by the warranty."
        ),
        "excluded_wear": _("Wear and tear is not covered by the warranty."),
        "excluded_consumable": _(
            "Consumables (filters, batteries…) are charged, also under warranty."
        ),
        "cause_unknown": _(
            "The cause is not yet known; this assumes a product defect. Damage, wear and "
            "consumables would be charged."
        ),
        "supplier_cover": _(
            "%(supplier)s answers for it under back-to-back cover until %(until)s: the cost "
            "can be recovered from them."
        ),
    }
    template = texts.get(code)
    if template is None:
        return code
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return template
