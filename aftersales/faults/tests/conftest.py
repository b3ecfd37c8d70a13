"""A small hand-made installed base whose fault statistics are known (see `field_data`).

Period 2026-01-01 … 2026-06-30. Model A (SKU-A): 4 units bought 2026-01-15, 6 bought
2026-03-10, 1 bought 2026-08-01 (after the period: not in the field). Model B (SKU-B): 10
units bought 2025-12-01, b1 installed 2026-02-01.

Requests (fault codes; E1, E2 compressor, E3 board, E4 operation without component):
- a1 2026-02-01 defect, E1 E3, 2 × part P1   (early: 17 days)
- a2 2026-02-10 defect, E1, 1 × P1           (early)
- a1 2026-05-20 defect, E2                   (not early: 125 days)
- a5 2026-03-20 defect, E1                   (early: 10 days)
- a6 2026-04-01 operation error, E4, 5 × P2  (not a failure)
- b1 2026-04-15 defect, E3, 1 × P2           (early: 73 days after installation)
- b2 2026-06-01 unknown cause, hardware, E1  (a failure, not early)
- a3 2026-02-02 defect, E1, cancelled        (left out)
- a4 2026-07-05 defect, E2                   (after the period)
"""

import datetime

import pytest
from django.utils import timezone

from aftersales.catalog.models import FaultKind
from aftersales.parts import services as parts
from aftersales.parts.models import LocationKind, StockLocation
from aftersales.service.choices import Diagnosis, Status
from aftersales.testing.factories import (
    CategoryFactory,
    FaultCodeFactory,
    ProductFactory,
    ServiceRequestFactory,
    SparePartFactory,
    UnitFactory,
)
from aftersales.warranty.models import FaultCause

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


@pytest.fixture
def field_data(db, manager):
    category = CategoryFactory(code="AC", name="空调")
    model_a = ProductFactory(sku="SKU-A", name="Model A", category=category)
    model_b = ProductFactory(sku="SKU-B", name="Model B", category=category)
    codes = {
        "E1": FaultCodeFactory(category=category, code="E1", component="compressor"),
        "E2": FaultCodeFactory(category=category, code="E2", component="compressor"),
        "E3": FaultCodeFactory(category=category, code="E3", component="board"),
        "E4": FaultCodeFactory(
            category=category, code="E4", component="", kind=FaultKind.OPERATION
        ),
    }
    jan = [UnitFactory(product=model_a, purchased_on=datetime.date(2026, 1, 15)) for _ in range(4)]
    mar = [UnitFactory(product=model_a, purchased_on=datetime.date(2026, 3, 10)) for _ in range(6)]
    UnitFactory(product=model_a, purchased_on=datetime.date(2026, 8, 1))
    b_units = [
        UnitFactory(product=model_b, purchased_on=datetime.date(2025, 12, 1)) for _ in range(10)
    ]
    b_units[0].installed_on = datetime.date(2026, 2, 1)
    b_units[0].save()
    warehouse = StockLocation.objects.create(kind=LocationKind.WAREHOUSE, code="WH", name="仓库")
    p1 = SparePartFactory(part_number="P1", name="压缩机")
    p2 = SparePartFactory(part_number="P2", name="滤网")
    for part in (p1, p2):
        parts.receive(part, warehouse, 20, actor=manager)

    def request(unit, day, codes_, cause=FaultCause.QUALITY, diagnosis=Diagnosis.HARDWARE,
                status=Status.NEW, used=()):  # fmt: skip
        made = ServiceRequestFactory(
            customer=unit.customer, unit=unit, received_at=_at(day), fault_cause=cause,
            diagnosis=diagnosis,
        )  # fmt: skip
        made.fault_codes.set([codes[c] for c in codes_])
        for part, quantity in used:
            parts.consume(part, warehouse, quantity, request=made, actor=manager)
        if status != Status.NEW:
            type(made).objects.filter(pk=made.pk).update(status=status)
        return made

    request(jan[0], "2026-02-01", ["E1", "E3"], used=[(p1, 2)])
    request(jan[1], "2026-02-10", ["E1"], used=[(p1, 1)])
    request(jan[0], "2026-05-20", ["E2"])
    request(mar[0], "2026-03-20", ["E1"])
    request(mar[1], "2026-04-01", ["E4"], cause=FaultCause.UNKNOWN,
            diagnosis=Diagnosis.OPERATION, used=[(p2, 5)])  # fmt: skip
    request(b_units[0], "2026-04-15", ["E3"], used=[(p2, 1)])
    request(b_units[1], "2026-06-01", ["E1"], cause=FaultCause.UNKNOWN)
    request(jan[2], "2026-02-02", ["E1"], status=Status.CANCELLED)
    request(jan[3], "2026-07-05", ["E2"])
    return {"category": category, "a": model_a, "b": model_b, "codes": codes}
