"""Helpers for the tests of quotes, charges and the service form: requests under or out of
warranty, and quotes brought to any status through the services themselves."""

import datetime
from decimal import Decimal

from django.utils import timezone

from aftersales.service import quotes, services
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import ProductFactory, SparePartFactory, UnitFactory
from aftersales.warranty.models import FaultCause, Quote, QuoteStatus

LABOUR = quotes.LineInput(
    kind="labour", description="更换风扇 人工", quantity=2, unit_price="35.50"
)
TRAVEL = quotes.LineInput(kind="travel", description="上门费", quantity=1, unit_price="50")


def make_request(actor, customer, *, free: bool = False, **fields) -> ServiceRequest:
    """A request on the customer's unit: bought 60 days ago (a product defect is repaired
    free) or three years ago (out of warranty: the repair is charged)."""
    age = 60 if free else 3 * 365
    unit = UnitFactory(
        customer=customer,
        product=ProductFactory(name="变频空调 KFR-35"),
        purchased_on=timezone.localdate() - datetime.timedelta(days=age),
    )
    return services.create_request(
        actor=actor,
        customer=customer,
        unit=unit,
        subject="空调不制冷",
        description="开机后吹热风",
        channel="phone",
        fault_cause=FaultCause.QUALITY,
        **fields,
    )


def part(**fields):
    return SparePartFactory(**({"name": "空气滤网", "unit_price": Decimal("99.00")} | fields))


def quote_in(status: str, request: ServiceRequest, staff, *, lines=(LABOUR, TRAVEL)) -> Quote:
    """A quote on `request` brought to `status` the way people do it."""
    quote = quotes.create_quote(request, actor=staff, lines=lines, note="请确认报价")
    if status == QuoteStatus.DRAFT:
        return quote
    if status == QuoteStatus.WITHDRAWN:
        return quotes.withdraw_quote(quote, actor=staff, reason="价格有误")
    quote = quotes.send_quote(quote, actor=staff)
    if status == QuoteStatus.ACCEPTED:
        return quotes.accept_quote(quote, actor=staff, via="phone", note="客户电话确认")
    if status == QuoteStatus.DECLINED:
        return quotes.decline_quote(quote, actor=staff, via="phone", reason="太贵了")
    return quote


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)
