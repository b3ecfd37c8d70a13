"""Fixtures of the care tests: `book`, hand-made key accounts (see test_key_accounts.py
for what they hold and the answers they give)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.customers.models import CustomerKind
from aftersales.followup.models import Survey
from aftersales.parts import services as parts
from aftersales.parts.models import LocationKind, StockLocation
from aftersales.service.choices import Kind, Status
from aftersales.testing.factories import (
    CustomerFactory,
    ServiceRequestFactory,
    SparePartFactory,
    UnitFactory,
)
from aftersales.warranty.models import Charge

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


def _survey(request, day, csat, nps):
    return Survey.objects.create(
        request=request, customer=request.customer, sent_at=_at(day),
        expires_at=_at(day) + datetime.timedelta(days=30), answered_at=_at(day), csat=csat,
        nps=nps,
    )  # fmt: skip


@pytest.fixture
def book(db, manager):
    acme = CustomerFactory(name="甲公司", kind=CustomerKind.COMPANY)
    quiet = CustomerFactory(name="乙公司", kind=CustomerKind.COMPANY)
    person = CustomerFactory(name="张三", kind=CustomerKind.PERSON)
    u1, u2, _u3 = (
        UnitFactory(customer=acme, purchased_on=datetime.date.fromisoformat(day))
        for day in ("2025-01-01", "2025-07-01", "2026-01-01")
    )
    UnitFactory(customer=quiet, purchased_on=datetime.date(2024, 1, 1))
    for _ in range(2):
        UnitFactory(customer=person, purchased_on=datetime.date(2025, 5, 1))
    ServiceRequestFactory(customer=person, received_at=_at("2026-02-01"), status=Status.CLOSED)
    r1 = ServiceRequestFactory(customer=acme, unit=u1, received_at=_at("2026-03-01"))
    warehouse = StockLocation.objects.create(kind=LocationKind.WAREHOUSE, code="WH", name="仓库")
    part = SparePartFactory(unit_price="99.00")
    parts.receive(part, warehouse, 5, actor=manager)
    parts.consume(part, warehouse, 2, request=r1, actor=manager)
    Charge.objects.create(request=r1, amount=Decimal("100.00"))
    type(r1).objects.filter(pk=r1.pk).update(status=Status.RESOLVED)
    _survey(r1, "2026-03-10", 2, 5)
    ServiceRequestFactory(customer=acme, unit=u1, received_at=_at("2026-04-01"))
    ServiceRequestFactory(customer=acme, kind=Kind.COMPLAINT, received_at=_at("2026-05-01"))
    old = ServiceRequestFactory(
        customer=acme, unit=u2, received_at=_at("2025-01-10"), status=Status.CLOSED
    )
    _survey(old, "2025-02-01", 5, 10)
    return {"acme": acme, "quiet": quiet, "person": person}
