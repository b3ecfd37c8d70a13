"""Demo tables for returns: accessory deductions for refunds and trade-in rates by category,
age band and condition, for the demo catalogue's categories (家用电器 and 通讯设备 with their
children). Safe to run twice (the second run adds nothing).

Called by `manage.py load_returns_demo`; `core.demo.load_demo` may call `load(actor)` after
it has made the catalogue.
"""

from decimal import Decimal

from django.db import transaction

from aftersales.catalog.models import Category
from aftersales.returns import services
from aftersales.returns.models import AccessoryDeduction, Condition, TradeInRate

# (category code or None for any, accessory, amount or None, percent or None)
DEDUCTIONS = [
    (None, "原包装箱", None, "3"),
    (None, "说明书及保修卡", "20", None),
    ("AC", "遥控器", "80", None),
    ("AC", "安装支架", "150", None),
    ("WASHER", "进水管", "40", None),
    ("WASHER", "底座", "120", None),
    ("HEATER", "烟管", "90", None),
    ("PHONE", "充电器", "99", None),
    ("PHONE", "数据线", "39", None),
]

# category code → value (CNY) as new-ish; other ages and conditions are shares of it.
NEW_VALUE = {"AC": 900, "FRIDGE": 700, "WASHER": 500, "HEATER": 300, "PHONE": 1200}
AGE_BANDS = [(0, 12, Decimal("1.00")), (12, 36, Decimal("0.60")), (36, None, Decimal("0.25"))]
CONDITION_SHARE = {
    Condition.AS_NEW: Decimal("1.00"),
    Condition.GOOD: Decimal("0.80"),
    Condition.FAIR: Decimal("0.55"),
    Condition.POOR: Decimal("0.20"),
}


@transaction.atomic
def load(actor) -> dict:
    """Make the demo tables (once). `actor`: a service manager."""
    if AccessoryDeduction.objects.exists() or TradeInRate.objects.exists():
        return {"created": False}
    categories = {
        c.code: c
        for c in Category.objects.filter(
            code__in=NEW_VALUE.keys() | {code for code, *_rest in DEDUCTIONS if code}
        )
    }
    deductions = rates = 0
    for code, name, amount, percent in DEDUCTIONS:
        if code and code not in categories:
            continue
        services.save_deduction(
            AccessoryDeduction(
                name=name,
                category=categories.get(code) if code else None,
                amount=Decimal(amount) if amount else None,
                percent=Decimal(percent) if percent else None,
            ),
            actor,
        )
        deductions += 1
    for code, value in NEW_VALUE.items():
        if code not in categories:
            continue
        for low, high, age_share in AGE_BANDS:
            for condition, share in CONDITION_SHARE.items():
                services.save_rate(
                    TradeInRate(
                        category=categories[code],
                        min_age_months=low,
                        max_age_months=high,
                        condition=condition,
                        value=(Decimal(value) * age_share * share).quantize(Decimal("1")),
                    ),
                    actor,
                )
                rates += 1
    return {"created": True, "deductions": deductions, "rates": rates}
