"""What a service request cost us and what it earned: the one definition.

Every figure is read from records other apps already keep; nothing here is stored.

Cost
    **labour**: what we owe for the work, from settlement's fee accruals
    (`settlement.FeeAccrual`, one per completed visit and payee): the fee of a partner
    center (网点结算, which also pays the partner's travel) and the technician's piece rate
    (计件). On top, the on-site time of visits by our **own** centers (check-in to
    check-out) priced at `ANALYTICS_LABOUR_COST_PER_HOUR` (setting, CNY per hour;
    default 0: own technicians' wages are not charged to single requests).
    **parts**: every part used on the request (`parts.PartUsage`), quantity × the unit
    price recorded when it was used, charged to the customer or not (we paid for it
    either way).
    **travel**: the travel time of own-center visits (travel started to check-in)
    priced at `ANALYTICS_TRAVEL_COST_PER_HOUR` (setting, CNY per hour; default 0).
    Partners' travel is in their fee, so it is counted under labour.

Revenue
    What the customer was billed for chargeable work: the request's charges
    (`warranty.Charge`) that are due or paid (waived ones earn nothing), plus accepted
    quotes not yet turned into a charge (the request is not resolved yet; resolving turns
    the quote into a charge of the same amount, so nothing is counted twice).

Money is in the default currency (`DEFAULT_CURRENCY`, CNY); parts, charges and quotes in
another currency are left out rather than added as if they were the same money.

Which requests: every function takes a `ServiceRequest` queryset (already filtered by
the caller: period, center, visibility…) or, for `by_customer`, the requests the
customers *received* (`received_at`) in a period. All money of those requests counts,
whenever it was booked. Each function runs a fixed number of aggregate queries (one per
source, grouped in the database), whatever the number of requests.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)

from aftersales.dispatch.models import Visit
from aftersales.field.models import ServiceCenter
from aftersales.parts.models import PartUsage
from aftersales.service.models import ServiceRequest
from aftersales.settlement.models import FeeAccrual
from aftersales.warranty.models import Charge, ChargeStatus, Quote, QuoteStatus

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=16, decimal_places=2)
HOUR = datetime.timedelta(hours=1)


@dataclass
class RequestMoney:
    """Cost and revenue of one request, or summed over several (`requests` says how many)."""

    labour: Decimal = ZERO
    parts: Decimal = ZERO
    travel: Decimal = ZERO
    revenue: Decimal = ZERO
    requests: int = 0

    @property
    def cost(self) -> Decimal:
        return self.labour + self.parts + self.travel

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def cost_per_request(self) -> Decimal | None:
        if not self.requests:
            return None
        return (self.cost / self.requests).quantize(CENT)

    def add(self, other: RequestMoney) -> RequestMoney:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self

    def as_dict(self) -> dict:
        """Money as decimal strings, as the API writes it."""
        return {
            "labour": str(self.labour),
            "parts": str(self.parts),
            "travel": str(self.travel),
            "cost": str(self.cost),
            "revenue": str(self.revenue),
            "margin": str(self.margin),
            "requests": self.requests,
            "cost_per_request": (
                None if self.cost_per_request is None else str(self.cost_per_request)
            ),
            "currency": settings.DEFAULT_CURRENCY,
        }


def _rate(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name, "0") or "0"))


def labour_rate() -> Decimal:
    return _rate("ANALYTICS_LABOUR_COST_PER_HOUR")


def travel_rate() -> Decimal:
    return _rate("ANALYTICS_TRAVEL_COST_PER_HOUR")


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT)


def _priced(duration: datetime.timedelta | None, rate: Decimal) -> Decimal:
    if not duration or not rate:
        return ZERO
    hours = Decimal(duration.total_seconds()) / Decimal(HOUR.total_seconds())
    return (hours * rate).quantize(CENT)


def _grouped(queryset, key: str | None, **aggregates) -> dict:
    """{group value: {aggregate: value}}; one query. `key` None sums everything under None."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


def _money_by(requests: QuerySet, group: str | None) -> dict:
    """Money of `requests` grouped by `group`, a field of ServiceRequest (e.g. "id",
    "customer_id", "service_center_id"), or summed when `group` is None."""
    currency = settings.DEFAULT_CURRENCY
    if requests.query.is_sliced:  # a page of a list: its ids, then a plain queryset
        requests = ServiceRequest.objects.filter(pk__in=list(requests.values_list("pk", flat=True)))
    ids = requests.order_by().values("pk")
    result: dict = {}

    def slot(value) -> RequestMoney:
        return result.setdefault(value, RequestMoney())

    def key(path: str) -> str | None:
        return None if group is None else f"{path}__{group}"

    counted = _grouped(requests.order_by(), group, n=Count("pk"))
    for value, row in counted.items():
        slot(value).requests = row["n"] or 0

    fees = _grouped(
        FeeAccrual.objects.filter(visit__request__in=ids),
        key("visit__request"),
        total=Sum("amount"),
    )
    for value, row in fees.items():
        slot(value).labour += _money(row["total"])

    parts = _grouped(
        PartUsage.objects.filter(request__in=ids, currency=currency),
        key("request"),
        total=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY)),
    )
    for value, row in parts.items():
        slot(value).parts += _money(row["total"])

    charges = _grouped(
        Charge.objects.filter(request__in=ids, currency=currency).exclude(
            status=ChargeStatus.WAIVED
        ),
        key("request"),
        total=Sum("amount"),
    )
    for value, row in charges.items():
        slot(value).revenue += _money(row["total"])

    quotes = _grouped(
        Quote.objects.filter(
            request__in=ids, currency=currency, status=QuoteStatus.ACCEPTED, charge__isnull=True
        ),
        key("request"),
        total=Sum("total"),
    )
    for value, row in quotes.items():
        slot(value).revenue += _money(row["total"])

    on_site_rate, travel_per_hour = labour_rate(), travel_rate()
    if on_site_rate or travel_per_hour:
        own_visits = _grouped(
            Visit.objects.filter(request__in=ids, center__kind=ServiceCenter.Kind.OWN),
            key("request"),
            on_site=Sum(
                ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), DurationField()),
                filter=Q(checked_in_at__isnull=False, checked_out_at__isnull=False),
            ),
            travel=Sum(
                ExpressionWrapper(F("checked_in_at") - F("travel_started_at"), DurationField()),
                filter=Q(travel_started_at__isnull=False, checked_in_at__isnull=False),
            ),
        )
        for value, row in own_visits.items():
            slot(value).labour += _priced(row["on_site"], on_site_rate)
            slot(value).travel += _priced(row["travel"], travel_per_hour)

    # Sums over no rows come back as a None group with nothing in it.
    if group is not None:
        result.pop(None, None)
    return result


def for_requests(queryset: QuerySet) -> dict[int, RequestMoney]:
    """Each request's money, by request id (every request of the queryset has an entry)."""
    return _money_by(queryset, "id")


def totals(queryset: QuerySet) -> RequestMoney:
    """The money of all the requests of the queryset together."""
    return _money_by(queryset, None).get(None) or RequestMoney()


def by_group(queryset: QuerySet, group: str) -> dict:
    """Money per value of a ServiceRequest field (e.g. "service_center_id", "channel")."""
    return _money_by(queryset, group)


def by_customer(
    customer_ids: Iterable[int],
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> dict[int, RequestMoney]:
    """Each customer's money over the requests they made in [start, end) (open ends allowed)."""
    ids = list(customer_ids)
    requests = ServiceRequest.objects.filter(customer_id__in=ids)
    if start is not None:
        requests = requests.filter(received_at__gte=start)
    if end is not None:
        requests = requests.filter(received_at__lt=end)
    money = _money_by(requests, "customer_id")
    return {pk: money.get(pk) or RequestMoney() for pk in ids}
