"""Demo preventive maintenance: the gold / silver / bronze contracts' visits (4, 2 and 1 a
year, seed 000), the central air conditioner every six months or 2,000 hours of use, and
the gas water heater's yearly safety check; then the planner makes the coming month's
visits, as the daily job would. Safe to run twice (the second run adds nothing).

Called by `core.demo.load_demo` after the customers, contracts and units exist (and after
the monitoring demo, whose hours of use the central air conditioner's plan follows)."""

from django.db import transaction

from aftersales.catalog.models import Category, Product
from aftersales.field.models import SkillLevel
from aftersales.maintenance import services
from aftersales.maintenance.models import MaintenancePlan
from aftersales.warranty.models import ServicePlan

CHECK, MEASURE = "check", "measure"
# The checks every contract visit makes, whatever the product.
GENERAL = [
    ("外观、安装固定与运行声音检查", CHECK, None, None, ""),
    ("清洁滤网、风道或内桶", CHECK, None, None, ""),
    ("电源线、插头与接地检查", CHECK, None, None, ""),
    ("试机：各功能与遥控/面板操作正常", CHECK, None, None, ""),
    ("向用户讲解正确使用与日常保养", CHECK, None, None, ""),
]
CENTRAL_AC = [
    ("清洗室内机过滤网与蒸发器", CHECK, None, None, ""),
    ("冷媒高压侧压力", MEASURE, "1.8", "2.6", "MPa"),
    ("出风口温度（制冷）", MEASURE, "8", "16", "°C"),
    ("冷凝水排水管通畅", CHECK, None, None, ""),
    ("电气接线端子紧固", CHECK, None, None, ""),
]
GAS_HEATER = [
    ("燃气管路与接头检漏", CHECK, None, None, ""),
    ("烟道连接与排烟通畅", CHECK, None, None, ""),
    ("室内一氧化碳浓度", MEASURE, "0", "50", "ppm"),
    ("出水温度与设定温度偏差", MEASURE, "-2", "2", "°C"),
    ("熄火保护装置动作试验", CHECK, None, None, ""),
]
# (name, scope, every months, every hours, minutes, skill category, checklist)
PLANS = [
    ("金牌合同 季度保养", ("service_plan", "gold"), 3, None, 90, None, GENERAL),
    ("银牌合同 半年保养", ("service_plan", "silver"), 6, None, 90, None, GENERAL),
    ("铜牌合同 年度保养", ("service_plan", "bronze"), 12, None, 60, None, GENERAL),
    ("风管式中央空调 定期维护", ("product", "HC-RFC-120"), 6, 2000, 120, "AC", CENTRAL_AC),
    ("燃气热水器 年度安全检查", ("product", "HC-JSQ25-13"), 12, None, 60, "HEATER", GAS_HEATER),
]


def _scope(kind: str, code: str) -> dict:
    if kind == "service_plan":
        return {"service_plan": ServicePlan.objects.get(code=code)}
    return {"product": Product.objects.get(sku=code)}


@transaction.atomic
def load(actor, today=None) -> dict:
    """The plans (once) and the jobs due in the next 30 days; returns what was made."""
    made = {"maintenance_plans": 0, "maintenance_jobs": 0}
    for name, (kind, code), months, hours, minutes, skill, checklist in PLANS:
        if MaintenancePlan.objects.filter(name=name).exists():
            continue
        fields = {
            "name": name,
            **_scope(kind, code),
            "every_months": months,
            "every_hours": hours,
            "duration_minutes": minutes,
            "skill": Category.objects.get(code=skill) if skill else None,
            "skill_level": SkillLevel.CERTIFIED,
        }
        items = [
            {"text": text, "kind": item_kind, "low": low, "high": high, "unit": unit}
            for text, item_kind, low, high, unit in checklist
        ]
        services.save_plan(actor, fields=fields, items=items)
        made["maintenance_plans"] += 1
    made["maintenance_jobs"] = len(services.plan_visits(today))
    return made
