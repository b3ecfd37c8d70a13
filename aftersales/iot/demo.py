"""Demo remote monitoring: the central air conditioners (HC-RFC-120) report every 15
minutes over the last two days — discharge temperature, refrigerant pressure, hours of
use — under four rules (too hot for 10 minutes, pressure too low, error E6, silent for two
hours). One unit ran too hot this morning: its request came in by itself (channel IoT)
with the customer told; one reports enough hours of use for its maintenance visit. Safe to
run twice (the second run adds nothing).

Called by `core.demo.load_demo` before the maintenance demo, whose hours-of-use plan
follows these readings. Messages go through the same ingestion as MQTT."""

import datetime
import random

from django.utils import timezone

from aftersales.assets.models import Unit, UnitStatus
from aftersales.catalog.models import Product
from aftersales.iot import services
from aftersales.iot.models import MonitorRule, RuleAction, RuleKind
from aftersales.service.choices import Priority

MODEL = "HC-RFC-120"
STEP = datetime.timedelta(minutes=15)
# (name, kind, metric, threshold, code, minutes, priority, action, tell the customer)
RULES = [
    ("排气温度过高", RuleKind.OVER, "discharge_temp", 95.0, "", 10, Priority.HIGH,
     RuleAction.REQUEST, True),
    ("冷媒压力过低（疑似泄漏）", RuleKind.UNDER, "pressure", 1.5, "", 30, Priority.NORMAL,
     RuleAction.MAINTENANCE, False),
    ("室内外机通讯故障 E6", RuleKind.CODE, "", None, "E6", 0, Priority.NORMAL,
     RuleAction.REQUEST, False),
    ("设备离线超过 2 小时", RuleKind.SILENCE, "", None, "", 120, Priority.LOW,
     RuleAction.REQUEST, False),
]  # fmt: skip


def _rules(actor, product) -> None:
    for name, kind, metric, threshold, code, minutes, priority, action, tell in RULES:
        rule = MonitorRule(product=product, name=name, kind=kind, metric=metric,
                           threshold=threshold, code=code, minutes=minutes,
                           priority=priority, action=action, tell_customer=tell)  # fmt: skip
        services.save_rule(rule, actor=actor)


def _messages(unit, index, start, now, rng):
    """Two days of readings; the first unit overheats for the last 45 minutes."""
    hours = 1992.0 if index == 1 else 900.0 + 180 * index
    at, messages = start, []
    while at <= now:
        hot = index == 0 and now - at <= datetime.timedelta(minutes=45)
        metrics = {
            "discharge_temp": round((98 + rng.random() * 4) if hot else 72 + rng.gauss(0, 4), 1),
            "pressure": round(2.1 + rng.gauss(0, 0.08), 2),
            "outdoor_temp": round(12 + 6 * rng.random(), 1),
            "run_hours": round(hours, 2),
        }
        messages.append((unit.serial_number, {"at": at.isoformat(), "metrics": metrics}, at))
        hours += 0.25
        at += STEP
    return messages


def load(actor, now=None) -> dict:
    """Rules (once) and readings; returns what was made."""
    product = Product.objects.filter(sku=MODEL).first()
    if product is None or MonitorRule.objects.filter(product=product).exists():
        return {"monitoring_rules": 0, "readings": 0}
    _rules(actor, product)
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    start = now - datetime.timedelta(days=2)
    rng = random.Random(10)
    units = Unit.objects.filter(product=product, status=UnitStatus.IN_USE).order_by("pk")[:6]
    stored = 0
    for index, unit in enumerate(units):
        messages = _messages(unit, index, start, now, rng)
        # In the order they came, a few at a time, as the subscriber stores them.
        for first in range(0, len(messages), 50):
            stored += services.ingest_many(messages[first : first + 50]).stored
    return {"monitoring_rules": len(RULES), "readings": stored}
