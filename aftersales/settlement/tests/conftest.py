"""Fixtures of the settlement tests: categories, a partner technician, completed visits."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field.models import Technician
from aftersales.settlement.models import FeeRate
from aftersales.testing.factories import (
    CategoryFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV = datetime.date(2026, 11, 1)
_usernames = itertools.count(1)


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def wall_unit(aircon):
    return CategoryFactory(code="AC-WALL", name="挂机", parent=aircon)


@pytest.fixture
def washer(db):
    return CategoryFactory(code="WM", name="洗衣机")


@pytest.fixture
def partner_tech(partner_center):
    user = UserFactory(username="ptech", role="technician", service_center=partner_center)
    return Technician.objects.create(user=user, home_center=partner_center)


def make_rate(amount, kind="repair", center=None, category=None, **fields):
    fields.setdefault("valid_from", datetime.date(2026, 1, 1))
    return FeeRate.objects.create(
        center=center, kind=kind, category=category, amount=Decimal(amount), **fields
    )


def make_visit(center, category=None, kind="repair", *, technician=None, done=None, **fields):
    """A visit of a new request for a unit of `category`, completed at `done`."""
    unit = UnitFactory(product=ProductFactory(category=category)) if category else None
    request = ServiceRequestFactory(
        kind=kind, unit=unit, **({"customer": unit.customer} if unit else {})
    )
    done = done or datetime.datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI)
    return Visit.objects.create(
        request=request,
        center=center,
        technician=technician,
        status=fields.pop("status", VisitStatus.COMPLETED),
        checked_out_at=done,
        **fields,
    )
