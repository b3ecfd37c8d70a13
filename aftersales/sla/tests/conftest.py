"""Fixtures of the SLA tests: the seeded calendars and default policy, plans with policies."""

import datetime
import zoneinfo

import pytest

from aftersales.sla.models import BusinessCalendar, CityTier, SlaPolicy
from aftersales.sla.services import ensure_policy_for_plan
from aftersales.warranty.models import ServicePlan

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str, tz=SH) -> datetime.datetime:
    """'2025-06-13 17:00' in Shanghai (or `tz`)."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture
def working_days(db):
    """Seeded: Monday to Friday 09:00–12:00, 13:00–18:00, China's holidays, Asia/Shanghai."""
    return BusinessCalendar.objects.get(code="china-working-days")


@pytest.fixture
def around_the_clock(db):
    return BusinessCalendar.objects.get(code="24x7")


@pytest.fixture
def default_policy(db):
    return SlaPolicy.objects.get(plan=None)


def _plan(code, name, rank, response, resolution, onsite):
    return ServicePlan.objects.create(
        code=code,
        name=name,
        rank=rank,
        response_hours=response,
        resolution_hours=resolution,
        onsite_hours=onsite,
    )


@pytest.fixture
def gold_plan(db):
    return _plan("gold", "金牌服务", 30, 1, 24, 4)


@pytest.fixture
def silver_plan(db):
    return _plan("silver", "银牌服务", 20, 2, 48, 8)


@pytest.fixture
def gold_policy(gold_plan):
    return ensure_policy_for_plan(gold_plan)


@pytest.fixture
def county(db):
    return CityTier.objects.create(city="长兴县", tier="county")
