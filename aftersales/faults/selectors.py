"""Fault statistics for the product team, aggregated in the database (one query per table
whatever the number of requests): Pareto of fault codes, of their components and of the
spare parts used on failures; failures per thousand units in the field per model or batch
(purchase month) with early-failure flags. What a failure is: `rules.FAILURE`.

Every count has its drill-down here too (`code_requests`, `component_requests`,
`part_requests`, `failure_requests`): the requests behind the number, built from the same
querysets the count aggregates (`_code_links`, `_part_usages`, `_dated_failures`), so a
list is as long as the number it opens.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DateField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, FaultKind, Product
from aftersales.faults.rules import FAILURE, counted_requests, early_failure
from aftersales.parts.models import PartUsage
from aftersales.service.models import ServiceRequest

DEFAULT_DAYS = 365
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)


def _round(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_DAYS - 1), today


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """Which requests and units a table is about: requests received in the period (local
    dates, both included), units of the category / model / batch (purchase month)."""

    date_from: datetime.date
    date_to: datetime.date
    category: Category | None = None
    product: Product | None = None
    batch: datetime.date | None = None  # the first day of the purchase month

    def _unit_filter(self, prefix: str = "") -> Q:
        q = Q()
        if self.category is not None:
            q &= Q(**{f"{prefix}product__category": self.category})
        if self.product is not None:
            q &= Q(**{f"{prefix}product": self.product})
        if self.batch is not None:
            q &= Q(**{f"{prefix}purchased_on__range": (self.batch, month_end(self.batch))})
        return q

    def requests(self):
        start = timezone.make_aware(datetime.datetime.combine(self.date_from, datetime.time()))
        end = timezone.make_aware(
            datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time())
        )
        rows = ServiceRequest.objects.filter(received_at__gte=start, received_at__lt=end)
        return counted_requests(rows).filter(self._unit_filter("unit__"))

    def failures(self):
        return self.requests().filter(FAILURE)

    def units_in_field(self):
        """Units sold by the end of the period (those without a purchase date are left out:
        nobody knows since when they are in the field)."""
        return Unit.objects.filter(self._unit_filter(), purchased_on__lte=self.date_to)

    def as_query(self) -> dict:
        """The scope as the filter form's parameters (for export links)."""
        values = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.category is not None:
            values["category"] = self.category.pk
        if self.product is not None:
            values["product"] = self.product.pk
        if self.batch is not None:
            values["batch"] = self.batch.strftime("%Y-%m")
        return values


# --- Pareto -------------------------------------------------------------------------------


@dataclass
class ParetoRow:
    key: str
    label: str
    detail: str
    count: int
    share: Decimal = Decimal(0)  # percent of the total
    cumulative: Decimal = Decimal(0)  # percent of the total, this row and those above
    extra: dict = field(default_factory=dict)
    url: str = ""  # filled by the page: where the requests behind `count` are listed


def pareto(rows: list[ParetoRow]) -> list[ParetoRow]:
    """Biggest first (ties by label), each with its share and the cumulative share."""
    rows = sorted(rows, key=lambda r: (-r.count, r.label, r.key))
    total = sum(r.count for r in rows)
    running = 0
    for row in rows:
        running += row.count
        row.share = _round(HUNDRED * row.count / total) if total else Decimal(0)
        row.cumulative = _round(HUNDRED * running / total) if total else Decimal(0)
    return rows


def _code_links(scope: Scope):
    """The (request, fault code) pairs of the scope's requests: what code and component
    counts aggregate and their drill-downs narrow."""
    through = ServiceRequest.fault_codes.through
    return through.objects.filter(servicerequest__in=scope.requests().values("pk"))


def _part_usages(scope: Scope):
    """Parts used on the scope's failures: what the part counts aggregate."""
    return PartUsage.objects.filter(request__in=scope.failures().values("pk"))


def code_requests(scope: Scope, code_id: int):
    """The requests counted for one fault code in `fault_code_pareto`."""
    links = _code_links(scope).filter(faultcode_id=code_id)
    return scope.requests().filter(pk__in=links.values("servicerequest_id"))


def component_requests(scope: Scope, component: str):
    """The requests counted for one component in `component_pareto` ("" is the row of
    codes without a component); a request with two codes of the component is one."""
    links = _code_links(scope).filter(faultcode__component=component)
    return scope.requests().filter(pk__in=links.values("servicerequest_id"))


def part_requests(scope: Scope, part_id: int):
    """The failures a part was used on: the "requests" of its row in `part_pareto` (its
    count is the quantity used on them)."""
    usages = _part_usages(scope).filter(part_id=part_id)
    return scope.failures().filter(pk__in=usages.values("request_id"))


def fault_code_pareto(scope: Scope) -> list[ParetoRow]:
    """Requests per fault code (a request with two codes counts for each)."""
    kinds = dict(FaultKind.choices)
    found = (
        _code_links(scope)
        .values("faultcode_id", "faultcode__code", "faultcode__symptom",
                "faultcode__component", "faultcode__kind")
        .annotate(n=Count("servicerequest_id", distinct=True))
        .order_by()
    )  # fmt: skip
    return pareto(
        [
            ParetoRow(
                key=str(r["faultcode_id"]),
                label=r["faultcode__code"],
                detail=r["faultcode__symptom"],
                count=r["n"],
                extra={
                    "component": r["faultcode__component"],
                    "kind": r["faultcode__kind"],
                    "kind_label": str(kinds.get(r["faultcode__kind"], "")),
                },
            )
            for r in found
        ]
    )


def component_pareto(scope: Scope) -> list[ParetoRow]:
    """Requests per component named by their fault codes (a blank component is one row)."""
    found = (
        _code_links(scope)
        .values("faultcode__component")
        .annotate(n=Count("servicerequest_id", distinct=True))
        .order_by()
    )
    return pareto(
        [
            ParetoRow(
                key=r["faultcode__component"],
                label=r["faultcode__component"] or _("(component not given)"),
                detail="",
                count=r["n"],
            )
            for r in found
        ]
    )


def part_pareto(scope: Scope) -> list[ParetoRow]:
    """Spare parts used on failures, by quantity (with the number of requests)."""
    found = (
        _part_usages(scope)
        .values("part_id", "part__part_number", "part__name")
        .annotate(n=Sum("quantity"), requests=Count("request_id", distinct=True))
        .order_by()
    )
    return pareto(
        [
            ParetoRow(
                key=str(r["part_id"]),
                label=r["part__part_number"],
                detail=r["part__name"],
                count=r["n"],
                extra={"requests": r["requests"]},
            )
            for r in found
        ]
    )


PARETOS = {"code": fault_code_pareto, "component": component_pareto, "part": part_pareto}


# --- Failure rates ------------------------------------------------------------------------


@dataclass
class RateRow:
    product_id: int
    sku: str
    name: str
    batch: datetime.date | None
    units: int = 0
    failures: int = 0
    failed_units: int = 0
    early: int = 0
    per_thousand: Decimal | None = None
    early_share: Decimal | None = None  # percent of the units in the field
    flagged: bool = False
    url: str = ""  # filled by the page: where the failures are listed
    early_url: str = ""  # and the early ones


# An early failure: received (local date) within the rule's days of the unit's start.
EARLY = Q(received_on__lte=F("early_until"))


def _dated_failures(scope: Scope, days: int):
    """The scope's failures with the local day they came in and the last day that counts
    as early (`days` after installation, else purchase): what `EARLY` compares."""
    started = Coalesce("unit__installed_on", "unit__purchased_on")
    early_until = ExpressionWrapper(
        started + datetime.timedelta(days=days), output_field=DateField()
    )
    return scope.failures().annotate(received_on=TruncDate("received_at"), early_until=early_until)


def failure_requests(scope: Scope, early: bool = False, unknown_batch: bool = False):
    """The failures counted in a row of `failure_rates` when `scope` is narrowed to the
    row's model (and batch): all of them, or the early ones only. `unknown_batch` is the
    batch row of units without a purchase date (a `Scope` cannot say "no month")."""
    rows = scope.failures()
    if early:
        early_ones = _dated_failures(scope, early_failure().days).filter(EARLY)
        rows = rows.filter(pk__in=early_ones.values("pk"))
    if unknown_batch:
        rows = rows.filter(unit__purchased_on__isnull=True)
    return rows


def requests_behind(scope: Scope, *, code=None, component=None, part=None, early=False,
                    unknown_batch=False):  # fmt: skip
    """The requests behind one number of the page: a fault code's, a component's or a
    part's (ids; component "" is the row without a component), else the scope's failures
    (a model's or batch's when the scope is narrowed to it)."""
    if code is not None:
        return code_requests(scope, code)
    if component is not None:
        return component_requests(scope, component)
    if part is not None:
        return part_requests(scope, part)
    return failure_requests(scope, early=early, unknown_batch=unknown_batch)


def listed(requests):
    """A drill-down list with what its rows show (one query, and one for the fault codes),
    newest first until sorted otherwise."""
    return (
        requests.select_related("unit__product")
        .prefetch_related("fault_codes")
        .order_by("-received_at", "-pk")
    )


def failure_rates(scope: Scope, by_batch: bool = False) -> list[RateRow]:
    """Per model (and purchase month when `by_batch`): units in the field, failures in the
    period (requests) and failed units, failures per thousand units, early failures and
    whether they are flagged. Highest rate first."""
    rule = early_failure()
    unit_keys = ["product_id", "product__sku", "product__name"]
    units = scope.units_in_field()
    if by_batch:
        units = units.annotate(batch=TruncMonth("purchased_on"))
        unit_keys.append("batch")
    failures = _dated_failures(scope, rule.days)
    failure_keys = ["unit__product_id", "unit__product__sku", "unit__product__name"]
    if by_batch:
        failures = failures.annotate(batch=TruncMonth("unit__purchased_on"))
        failure_keys.append("batch")
    rows: dict[tuple, RateRow] = {}

    def row_for(product_id, sku, name, batch):
        if isinstance(batch, datetime.datetime):  # TruncMonth may answer a datetime
            batch = batch.date()
        key = (product_id, batch)
        if key not in rows:
            rows[key] = RateRow(product_id, sku, name, batch)
        return rows[key]

    for r in units.values(*unit_keys).annotate(n=Count("pk")).order_by():
        row = row_for(r["product_id"], r["product__sku"], r["product__name"], r.get("batch"))
        row.units = r["n"]
    for r in (
        failures.values(*failure_keys)
        .annotate(
            n=Count("pk"),
            failed=Count("unit_id", distinct=True),
            early=Count("pk", filter=EARLY),
        )
        .order_by()
    ):
        row = row_for(
            r["unit__product_id"], r["unit__product__sku"], r["unit__product__name"],
            r.get("batch"),
        )  # fmt: skip
        row.failures, row.failed_units, row.early = r["n"], r["failed"], r["early"]
    for row in rows.values():
        if row.units:
            row.per_thousand = _round(THOUSAND * row.failures / row.units, "0.01")
            row.early_share = _round(HUNDRED * row.early / row.units, "0.01")
        row.flagged = rule.flagged(row.early, row.units)
    return sorted(
        rows.values(),
        key=lambda r: (
            r.per_thousand is None,
            -(r.per_thousand or 0),
            r.sku,
            r.batch or datetime.date.min,
        ),
    )
