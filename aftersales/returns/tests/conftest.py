"""Fixtures of the returns tests: a unit bought N days ago with a quality fault reported
today (so the request carries the warranty decision), deductions and trade-in rates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.returns.models import AccessoryDeduction, TradeInRate
from aftersales.service import services as service_services
from aftersales.testing.factories import CategoryFactory, ProductFactory, UnitFactory


@pytest.fixture
def phones(db):
    return CategoryFactory(code="PHONE", name="手机")


@pytest.fixture
def phone_model(phones):
    return ProductFactory(category=phones, name="X100 手机")


@pytest.fixture
def faulty_request(agent, customer, phone_model):
    """`faulty_request(days)`: a request for a quality fault on a unit bought `days` ago."""

    def build(days, *, fault="quality", center=None, serial=None):
        unit = UnitFactory(
            customer=customer,
            product=phone_model,
            purchased_on=timezone.localdate() - datetime.timedelta(days=days),
            **({"serial_number": serial} if serial else {}),
        )
        return service_services.create_request(
            actor=agent,
            customer=customer,
            subject="开机后黑屏",
            channel="phone",
            unit=unit,
            kind="return",
            fault_cause=fault,
            **({"service_center": center} if center else {}),
        )

    return build


@pytest.fixture
def charger(phones):
    return AccessoryDeduction.objects.create(name="充电器", category=phones, amount=Decimal("99"))


@pytest.fixture
def box(db):
    return AccessoryDeduction.objects.create(name="包装盒", percent=Decimal("5"))


@pytest.fixture
def trade_in_rates(phones, phone_model):
    """Category rates by age band for `good`, and a product rate for new-ish units."""
    return [
        TradeInRate.objects.create(
            category=phones,
            min_age_months=0,
            max_age_months=12,
            condition="good",
            value=Decimal("1500"),
        ),
        TradeInRate.objects.create(
            category=phones,
            min_age_months=12,
            max_age_months=None,
            condition="good",
            value=Decimal("800"),
        ),
        TradeInRate.objects.create(
            product=phone_model,
            min_age_months=0,
            max_age_months=6,
            condition="as_new",
            value=Decimal("2200"),
        ),
    ]
