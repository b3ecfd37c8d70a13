"""Reads behind the key-account pages: for a list of customers at once, in a fixed number
of grouped queries whatever their number (units and purchase cycle, requests, complaints,
repeat failures, cost and revenue from `analytics.costs`, satisfaction, contacts), and the
quarterly satisfaction trend of one customer. The score itself: `key_accounts.health`."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max, Min, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from aftersales.analytics import costs
from aftersales.assets.models import Unit
from aftersales.care.key_accounts import MAX_ACCOUNTS, Facts, Health, health
from aftersales.care.selectors import _sources
from aftersales.customers.models import Customer, CustomerKind
from aftersales.followup.models import Survey
from aftersales.service.choices import OPEN_STATUSES, Kind, Status
from aftersales.service.models import ServiceRequest

YEAR = datetime.timedelta(days=365)
DAYS_PER_MONTH = Decimal("30.44")
KINDS = ("company", "person", "all")
SORTS = {
    "health": lambda a: (a.health.score, a.customer.name),
    "-health": lambda a: (-a.health.score, a.customer.name),
    "cost": lambda a: (a.money.cost, a.customer.name),
    "-cost": lambda a: (-a.money.cost, a.customer.name),
    "revenue": lambda a: (a.money.revenue, a.customer.name),
    "-revenue": lambda a: (-a.money.revenue, a.customer.name),
    "units": lambda a: (a.units, a.customer.name),
    "-units": lambda a: (-a.units, a.customer.name),
    "name": lambda a: (a.customer.name, a.customer.pk),
}
DEFAULT_SORT = "health"  # the accounts needing attention first


@dataclass
class Account:
    customer: Customer
    units: int = 0
    first_purchase: datetime.date | None = None
    last_purchase: datetime.date | None = None
    purchase_days: int = 0  # distinct purchase dates
    requests_total: int = 0
    requests_open: int = 0
    requests_year: int = 0
    complaints_year: int = 0
    repeat_failure_units: int = 0
    money: costs.RequestMoney = field(default_factory=costs.RequestMoney)
    csat: Decimal | None = None
    nps: int | None = None
    surveys_year: int = 0
    last_contact: datetime.date | None = None
    contacts_year: int = 0
    health: Health | None = None

    @property
    def cycle_months(self) -> Decimal | None:
        """Average months between purchases (days with a purchase); None with one or none."""
        if self.purchase_days < 2:
            return None
        days = (self.last_purchase - self.first_purchase).days
        months = Decimal(days) / (self.purchase_days - 1) / DAYS_PER_MONTH
        return months.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _top(queryset, limit: int, exclude) -> list[int]:
    """Customer ids of `queryset`'s rows, the most rows first (one grouped query)."""
    rows = queryset.exclude(customer_id__in=exclude) if exclude else queryset
    rows = rows.order_by().values("customer_id").annotate(n=Count("pk"))
    return list(rows.order_by("-n", "customer_id").values_list("customer_id", flat=True)[:limit])


def candidates(kind: str = "company", query: str = ""):
    """The customers on the list, biggest first (most units, then most requests; companies
    with neither after them by name), at most MAX_ACCOUNTS. Grouped queries on units and
    requests, so the cost does not grow with the number of customers without either."""
    customers = Customer.objects.all()
    if kind in (CustomerKind.COMPANY, CustomerKind.PERSON):
        customers = customers.filter(kind=kind)
    if query.strip():
        customers = customers.filter(name__icontains=query.strip())
    chosen = _top(Unit.objects.filter(customer__in=customers), MAX_ACCOUNTS, [])
    if len(chosen) < MAX_ACCOUNTS:
        requests = ServiceRequest.objects.filter(customer__in=customers)
        chosen += _top(requests, MAX_ACCOUNTS - len(chosen), chosen)
    if kind == CustomerKind.COMPANY and len(chosen) < MAX_ACCOUNTS:
        rest = customers.exclude(pk__in=chosen).order_by("name", "pk")
        chosen += list(rest.values_list("pk", flat=True)[: MAX_ACCOUNTS - len(chosen)])
    if not chosen:
        return []
    found = Customer.objects.in_bulk(chosen)
    counts = {"unit_count": Unit.objects, "request_count": ServiceRequest.objects}
    for name, manager in counts.items():
        numbers = dict(
            manager.filter(customer_id__in=chosen)
            .order_by()
            .values("customer_id")
            .annotate(n=Count("pk"))
            .values_list("customer_id", "n")
        )
        for pk, customer in found.items():
            setattr(customer, name, numbers.get(pk, 0))
    return sorted(found.values(), key=lambda c: (-c.unit_count, -c.request_count, c.name, c.pk))


def _by_customer(queryset, **aggregates) -> dict:
    rows = queryset.order_by().values("customer_id").annotate(**aggregates)
    return {row["customer_id"]: row for row in rows}


def _nps(promoters: int, detractors: int, answers: int) -> int | None:
    if not answers:
        return None
    return int((Decimal(100) * (promoters - detractors) / answers).to_integral_value(ROUND_HALF_UP))


def _contacts(ids, since) -> dict[int, tuple]:
    """{customer id: (last contact moment, contacts since `since`)}: one query per source."""
    found: dict[int, list] = {}
    for rows, path, moment in _sources(ids):
        grouped = (
            rows.order_by()
            .values(path)
            .annotate(last=Max(moment), recent=Count("pk", filter=Q(**{f"{moment}__gte": since})))
        )
        for row in grouped:
            slot = found.setdefault(row[path], [None, 0])
            if slot[0] is None or row["last"] > slot[0]:
                slot[0] = row["last"]
            slot[1] += row["recent"]
    return {pk: tuple(v) for pk, v in found.items()}


def accounts(customers, now: datetime.datetime | None = None) -> list[Account]:
    """Every fact of the list's customers and their health (bounded queries)."""
    now = now or timezone.now()
    since = now - YEAR
    today = timezone.localdate(now)
    ids = [c.pk for c in customers]
    result = {c.pk: Account(customer=c, units=getattr(c, "unit_count", 0)) for c in customers}
    if not ids:
        return []
    units = Unit.objects.filter(customer_id__in=ids)
    for pk, row in _by_customer(
        units, n=Count("pk"), first=Min("purchased_on"), last=Max("purchased_on"),
        days=Count("purchased_on", distinct=True),
    ).items():  # fmt: skip
        account = result[pk]
        account.units, account.first_purchase, account.last_purchase = (
            row["n"], row["first"], row["last"]
        )  # fmt: skip
        account.purchase_days = row["days"]
    requests = ServiceRequest.objects.filter(customer_id__in=ids)
    recent = Q(received_at__gte=since)
    for pk, row in _by_customer(
        requests, total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        year=Count("pk", filter=recent),
        complaints=Count("pk", filter=recent & Q(kind=Kind.COMPLAINT)),
    ).items():  # fmt: skip
        account = result[pk]
        account.requests_total, account.requests_open = row["total"], row["open"]
        account.requests_year, account.complaints_year = row["year"], row["complaints"]
    repeats = (
        requests.filter(recent, kind=Kind.REPAIR, unit__isnull=False)
        .exclude(status=Status.CANCELLED)
        .order_by()
        .values("customer_id", "unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    for row in repeats:
        result[row["customer_id"]].repeat_failure_units += 1
    for pk, money in costs.by_customer(ids, start=since).items():
        result[pk].money = money
    surveys = Survey.objects.filter(customer_id__in=ids, answered_at__gte=since)
    for pk, row in _by_customer(
        surveys, csat=Avg("csat"), answers=Count("pk"), nps_answers=Count("nps"),
        promoters=Count("pk", filter=Q(nps__gte=9)), detractors=Count("pk", filter=Q(nps__lte=6)),
    ).items():  # fmt: skip
        account = result[pk]
        if row["csat"] is not None:
            account.csat = Decimal(str(row["csat"])).quantize(Decimal("0.01"))
        account.nps = _nps(row["promoters"], row["detractors"], row["nps_answers"])
        account.surveys_year = row["answers"]
    for pk, (last, recent_count) in _contacts(ids, since).items():
        result[pk].last_contact = timezone.localdate(last) if last else None
        result[pk].contacts_year = recent_count
    for account in result.values():
        account.health = health(
            Facts(
                repeat_failure_units=account.repeat_failure_units,
                csat=account.csat,
                complaints=account.complaints_year,
                days_since_contact=(
                    (today - account.last_contact).days if account.last_contact else None
                ),
                cost=account.money.cost,
                revenue=account.money.revenue,
                open_requests=account.requests_open,
            )
        )
    return list(result.values())


def sort_accounts(rows: list[Account], sort: str) -> list[Account]:
    return sorted(rows, key=SORTS.get(sort) or SORTS[DEFAULT_SORT])


@dataclass
class Quarter:
    start: datetime.date
    answers: int
    csat: Decimal | None
    nps: int | None

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


def satisfaction_by_quarter(customer, quarters: int = 8, now=None) -> list[Quarter]:
    """CSAT (average) and NPS of the customer's answered surveys per quarter, oldest first,
    the last `quarters` quarters (those without answers left out). One query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=92 * quarters)
    rows = (
        Survey.objects.filter(customer=customer, answered_at__gte=since)
        .annotate(quarter=TruncQuarter("answered_at"))
        .order_by()
        .values("quarter")
        .annotate(
            answers=Count("pk"), csat=Avg("csat"), nps_answers=Count("nps"),
            promoters=Count("pk", filter=Q(nps__gte=9)),
            detractors=Count("pk", filter=Q(nps__lte=6)),
        )
        .order_by("quarter")
    )  # fmt: skip
    found = []
    for row in rows:
        start = row["quarter"]
        if isinstance(start, datetime.datetime):
            start = timezone.localdate(start) if timezone.is_aware(start) else start.date()
        csat = row["csat"]
        found.append(
            Quarter(
                start=start,
                answers=row["answers"],
                csat=None if csat is None else Decimal(str(csat)).quantize(Decimal("0.01")),
                nps=_nps(row["promoters"], row["detractors"], row["nps_answers"]),
            )
        )
    return found[-quarters:]


def purchases(customer, limit: int = 200):
    """The customer's units, in the order they were bought (purchase history)."""
    return customer.units.select_related("product").order_by("purchased_on", "pk")[:limit]
