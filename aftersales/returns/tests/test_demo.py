"""The returns demo tables load once and value the demo's units."""

import pytest
from django.core.management import call_command

from aftersales.returns.models import AccessoryDeduction, TradeInRate
from aftersales.testing.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_demo_tables_load_once(manager):
    phones = CategoryFactory(code="PHONE", name="手机")
    CategoryFactory(code="AC", name="空调")
    call_command("load_returns_demo")
    assert AccessoryDeduction.objects.filter(category=phones, name="充电器").exists()
    assert TradeInRate.objects.filter(category=phones).count() == 12
    before = (AccessoryDeduction.objects.count(), TradeInRate.objects.count())
    call_command("load_returns_demo")
    assert (AccessoryDeduction.objects.count(), TradeInRate.objects.count()) == before
