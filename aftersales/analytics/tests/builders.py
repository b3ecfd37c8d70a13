"""Hand-made records for the analytics tests: visits, fees, parts used, quotes, charges.

Written straight to the tables (not through the services) so each test sets exactly the
figures whose right answer it knows.
"""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.parts.models import LocationKind, MoveKind, PartUsage, StockLocation, StockMove
from aftersales.settlement.models import FeeAccrual, Payee
from aftersales.testing.factories import SparePartFactory
from aftersales.warranty.models import Charge, ChargeStatus, Quote, QuoteStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
_codes = itertools.count(1)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime.datetime:
    """A moment of 2026 in Shanghai (November unless told)."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def visit(request, center, technician=None, **fields) -> Visit:
    fields.setdefault("status", VisitStatus.COMPLETED)
    return Visit.objects.create(request=request, center=center, technician=technician, **fields)


def fee(visit_, amount, payee=Payee.CENTER) -> FeeAccrual:
    return FeeAccrual.objects.create(
        visit=visit_,
        payee=payee,
        center=visit_.center,
        technician=visit_.technician,
        kind=visit_.request.kind,
        amount=Decimal(amount),
        month=datetime.date(2026, 11, 1),
    )


def part_used(request, quantity, unit_price, *, chargeable=False, currency="CNY") -> PartUsage:
    n = next(_codes)
    part = SparePartFactory(unit_price=unit_price)
    location = StockLocation.objects.create(
        kind=LocationKind.WAREHOUSE, code=f"AN-WH-{n}", name=f"仓库 {n}"
    )
    move = StockMove.objects.create(
        part=part, kind=MoveKind.CONSUME, quantity=quantity, from_location=location, request=request
    )
    return PartUsage.objects.create(
        request=request,
        part=part,
        location=location,
        quantity=quantity,
        move=move,
        is_consumable=False,
        chargeable=chargeable,
        unit_price=Decimal(unit_price),
        currency=currency,
    )


def quote(request, total, status=QuoteStatus.ACCEPTED, currency="CNY") -> Quote:
    return Quote.objects.create(
        request=request, status=status, total=Decimal(total), currency=currency
    )


def charge(request, amount, status=ChargeStatus.DUE, quote_=None) -> Charge:
    return Charge.objects.create(
        request=request, quote=quote_, amount=Decimal(amount), status=status
    )
