"""Seed: the China working-days and 24×7 calendars, tier-1 and some tier-2 cities, and the
default policy (requests without a service plan). Plans get their policies from
`sla.services.ensure_policy_for_plan`, which the demo loader calls."""

import datetime
import uuid

from django.db import migrations

H = 60
TIER1 = ["北京", "上海", "广州", "深圳"]
TIER2 = ["杭州", "南京", "成都", "武汉", "西安", "苏州", "天津", "重庆"]
DEFAULT_TARGETS = {
    "urgent": (1 * H, 8 * H),
    "high": (2 * H, 16 * H),
    "normal": (4 * H, 24 * H),
    "low": (8 * H, 40 * H),
}


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Period = apps.get_model("sla", "WorkingPeriod")
    CityTier = apps.get_model("sla", "CityTier")
    Policy = apps.get_model("sla", "SlaPolicy")
    Target = apps.get_model("sla", "SlaTarget")
    Version = apps.get_model("sla", "ConfigVersion")

    working, _ = Calendar.objects.get_or_create(
        code="china-working-days",
        defaults={
            "name": "China working days",
            "time_zone": "Asia/Shanghai",
            "use_china_holidays": True,
        },
    )
    if not Period.objects.filter(calendar=working).exists():
        Period.objects.bulk_create(
            Period(calendar=working, weekday=weekday, starts=starts, ends=ends)
            for weekday in range(5)
            for starts, ends in (
                (datetime.time(9), datetime.time(12)),
                (datetime.time(13), datetime.time(18)),
            )
        )
    Calendar.objects.get_or_create(
        code="24x7",
        defaults={"name": "24×7", "time_zone": "Asia/Shanghai", "always_open": True},
    )
    for city in TIER1:
        CityTier.objects.get_or_create(city=city, defaults={"tier": "tier1"})
    for city in TIER2:
        CityTier.objects.get_or_create(city=city, defaults={"tier": "tier2"})
    if not Policy.objects.filter(plan=None).exists():
        policy = Policy.objects.create(name="Standard service", calendar=working)
        for priority, (response, resolution) in DEFAULT_TARGETS.items():
            Target.objects.create(
                policy=policy,
                priority=priority,
                response_minutes=response,
                resolution_minutes=resolution,
            )
    Version.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
