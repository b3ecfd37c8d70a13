"""Who a campaign of each kind reaches on a given day, and why. Pure reads: nothing is
written here (see `services.create_campaign`).

Each generator returns `Candidate`s: the customer, the unit or contract it is about, the
date it is about and the reason in words. The rules:

- check-in after delivery: units delivered or installed (the later of the two)
  `CHECK_IN_AFTER` days before the day, give or take nothing (one day's batch);
- warranty ending: units whose repair warranty under their policy ends within the next
  `EXPIRY_WINDOW` days and that have no extended warranty or contract covering the day
  after it ends;
- contract ending: active contracts ending within `EXPIRY_WINDOW` days that have no
  renewal;
- key accounts: company customers with at least `KEY_ACCOUNT_UNITS` units whose last
  contact is older than half their purchase cycle (the median gap between purchase
  dates; `DEFAULT_CYCLE` days when unknown), capped at `MAX_SILENCE` days;
- thank-you: customers whose first unit was bought in the `THANK_YOU_WINDOW` days
  before the day.
Customers and units already on a campaign of the same kind in the last `REPEAT_DAYS` days
are left out, so running a generator twice does not call anyone twice.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from aftersales.assets.models import Unit
from aftersales.care.models import CampaignKind, CampaignTarget
from aftersales.customers.models import Customer, CustomerKind
from aftersales.warranty.dates import add_months
from aftersales.warranty.decision import PolicyBook
from aftersales.warranty.models import ContractStatus, ExtendedWarranty, ServiceContract
from aftersales.warranty.services import warranty_dates

CHECK_IN_AFTER = 3
EXPIRY_WINDOW = 30
KEY_ACCOUNT_UNITS = 3
DEFAULT_CYCLE = 365
MAX_SILENCE = 180
THANK_YOU_WINDOW = 7
REPEAT_DAYS = 90
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Candidate:
    customer: Customer
    reason: str
    due_on: datetime.date | None = None
    unit: Unit | None = None
    contract: ServiceContract | None = None


def _already(kind: str, on: datetime.date) -> tuple[set, set]:
    """(customer ids, unit ids) on a campaign of `kind` drawn in the last REPEAT_DAYS."""
    rows = CampaignTarget.objects.filter(
        campaign__kind=kind,
        campaign__drawn_on__gt=on - datetime.timedelta(days=REPEAT_DAYS),
        campaign__drawn_on__lte=on,
    ).values_list("customer_id", "unit_id")
    customers, units = set(), set()
    for customer_id, unit_id in rows:
        if unit_id:
            units.add(unit_id)
        else:
            customers.add(customer_id)
    return customers, units


def delivery_check_in(on: datetime.date) -> list[Candidate]:
    day = on - datetime.timedelta(days=CHECK_IN_AFTER)
    _customers, seen_units = _already(CampaignKind.DELIVERY_CHECK_IN, on)
    units = (
        Unit.objects.filter(Q(installed_on=day) | Q(installed_on__isnull=True, delivered_on=day))
        .exclude(pk__in=seen_units)
        .select_related("customer", "product")
        .order_by("pk")
    )
    found = []
    for unit in units:
        if unit.installed_on:
            reason = _("Installed on %(date)s: is everything working?")
        else:
            reason = _("Delivered on %(date)s: is everything working?")
        found.append(Candidate(unit.customer, reason % {"date": day.isoformat()}, day, unit=unit))
    return found


def warranty_expiry(on: datetime.date) -> list[Candidate]:
    until = on + datetime.timedelta(days=EXPIRY_WINDOW)
    book = PolicyBook()
    months = [p.repair_months for p in book.policies] + [12]
    # Only units started within the span any policy could end in the window.
    earliest = add_months(on, -max(months)) - DAY
    latest = add_months(until, -min(months)) + DAY
    _customers, seen_units = _already(CampaignKind.WARRANTY_EXPIRY, on)
    units = (
        Unit.objects.filter(
            Q(warranty_starts_on__range=(earliest, latest))
            | Q(warranty_starts_on__isnull=True, purchased_on__range=(earliest, latest))
        )
        .exclude(pk__in=seen_units)
        .select_related("customer", "product")
        .order_by("pk")
    )
    found = []
    for unit in units:
        ends = warranty_dates(unit, book).repair_until
        if ends is None or not on <= ends <= until:
            continue
        found.append(Candidate(unit.customer, "", ends, unit=unit))
    covered = _covered_after(found)
    return [
        Candidate(
            c.customer,
            _("Warranty of %(product)s ends on %(date)s: offer an extended warranty or a "
              "service contract.") % {"product": c.unit.product, "date": c.due_on.isoformat()},
            c.due_on,
            unit=c.unit,
        )
        for c in found
        if c.unit.pk not in covered
    ]  # fmt: skip


def _covered_after(found: list[Candidate]) -> set[int]:
    """Units of `found` already covered the day after their warranty ends."""
    if not found:
        return set()
    unit_ids = [c.unit.pk for c in found]
    later = min(c.due_on for c in found) + DAY
    covered = set(
        ExtendedWarranty.objects.filter(unit_id__in=unit_ids, ends_on__gte=later).values_list(
            "unit_id", flat=True
        )
    )
    live = ServiceContract.objects.filter(
        status__in=(ContractStatus.ACTIVE, ContractStatus.ACCEPTED), ends_on__gte=later
    )
    covered |= set(live.filter(units__in=unit_ids).values_list("units", flat=True))
    all_units = set(live.filter(all_units=True).values_list("customer_id", flat=True))
    covered |= {c.unit.pk for c in found if c.customer.pk in all_units}
    return covered


def contract_renewal(on: datetime.date) -> list[Candidate]:
    until = on + datetime.timedelta(days=EXPIRY_WINDOW)
    seen_customers, _units = _already(CampaignKind.CONTRACT_RENEWAL, on)
    contracts = (
        ServiceContract.objects.filter(
            status=ContractStatus.ACTIVE, ends_on__range=(on, until), renewal__isnull=True
        )
        .exclude(customer_id__in=seen_customers)
        .select_related("customer", "plan")
        .order_by("ends_on", "pk")
    )
    return [
        Candidate(
            contract.customer,
            _("Contract %(number)s (%(plan)s) ends on %(date)s: offer its renewal.")
            % {"number": contract.number, "plan": contract.plan, "date": contract.ends_on},
            contract.ends_on,
            contract=contract,
        )
        for contract in contracts
    ]


def key_accounts(on: datetime.date) -> list[Candidate]:
    from aftersales.care.selectors import last_contacts

    seen_customers, _units = _already(CampaignKind.KEY_ACCOUNT, on)
    companies = (
        Customer.objects.filter(kind=CustomerKind.COMPANY)
        .annotate(unit_count=Count("units"))
        .filter(unit_count__gte=KEY_ACCOUNT_UNITS)
        .exclude(pk__in=seen_customers)
        .order_by("pk")
    )
    companies = list(companies)
    dates: dict[int, list] = {}
    for customer_id, bought in (
        Unit.objects.filter(customer__in=companies, purchased_on__isnull=False)
        .order_by("purchased_on")
        .values_list("customer_id", "purchased_on")
    ):
        dates.setdefault(customer_id, []).append(bought)
    last = last_contacts([c.pk for c in companies])
    found = []
    for customer in companies:
        bought = dates.get(customer.pk, [])
        gaps = [(b - a).days for a, b in zip(bought, bought[1:], strict=False) if b > a]
        cycle = int(statistics.median(gaps)) if gaps else DEFAULT_CYCLE
        silence = min(max(cycle // 2, 30), MAX_SILENCE)
        contact = last.get(customer.pk)
        if contact is not None and (on - contact).days < silence:
            continue
        found.append(
            Candidate(
                customer,
                _("%(units)s units, buys about every %(cycle)s days; last contact: %(last)s.")
                % {
                    "units": customer.unit_count,
                    "cycle": cycle,
                    "last": contact.isoformat() if contact else _("none"),
                },
                contact,
            )
        )
    return found


def thank_you(on: datetime.date) -> list[Candidate]:
    since = on - datetime.timedelta(days=THANK_YOU_WINDOW)
    seen_customers, _units = _already(CampaignKind.THANK_YOU, on)
    # The customer's earliest purchase falls in the window: a new customer.
    new = (
        Unit.objects.filter(purchased_on__isnull=False)
        .values("customer_id")
        .annotate(first=Min("purchased_on"))
        .filter(first__range=(since, on))
        .exclude(customer_id__in=seen_customers)
        .values_list("customer_id", "first")
    )
    firsts = dict(new)
    customers = Customer.objects.filter(pk__in=firsts).order_by("pk")
    return [
        Candidate(
            customer,
            _("New customer: first purchase on %(date)s.")
            % {"date": firsts[customer.pk].isoformat()},
            firsts[customer.pk],
        )
        for customer in customers
    ]


GENERATORS = {
    CampaignKind.DELIVERY_CHECK_IN: delivery_check_in,
    CampaignKind.WARRANTY_EXPIRY: warranty_expiry,
    CampaignKind.CONTRACT_RENEWAL: contract_renewal,
    CampaignKind.KEY_ACCOUNT: key_accounts,
    CampaignKind.THANK_YOU: thank_you,
}


def candidates(kind: str, on: datetime.date) -> list[Candidate]:
    return GENERATORS[kind](on)
