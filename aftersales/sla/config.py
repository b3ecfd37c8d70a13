"""The SLA configuration as `deadlines_for` reads it: active policies with their calendar's
rules and targets, and the city tiers, read together and cached.

`deadlines_for` runs on every request creation, so it must not read six tables each time.
The whole configuration is small (a few policies, calendars and their entered days, a few
hundred cities); it is cached in Django's cache under the token of `ConfigVersion`, which
every save or delete of an SLA row changes (`bump`, wired in `SlaConfig.ready`). A warm
read is one query (the token); a cold one six. The cache is shared by every process that
shares Django's cache; entries also expire after `TTL` seconds, which bounds how long a
change that does not go through a save (a renamed service plan code) goes unseen.

A change rolled back with its transaction (and so a test's) leaves the old token in
place, whose entry was read from the old rows: nothing stale is ever served.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save

from aftersales.sla import engine
from aftersales.sla.models import (
    BusinessCalendar,
    CalendarDay,
    CityTier,
    ConfigVersion,
    SlaPolicy,
    SlaTarget,
    WorkingPeriod,
)

logger = logging.getLogger(__name__)

TTL = 300
KEY = "sla:config:{token}"
WATCHED = (BusinessCalendar, WorkingPeriod, CalendarDay, CityTier, SlaPolicy, SlaTarget)


@dataclass
class Config:
    policies: dict[int, SlaPolicy] = field(default_factory=dict)
    by_plan_code: dict[str, int] = field(default_factory=dict)
    default_id: int | None = None
    # policy id → priority → (response minutes, resolution minutes)
    targets: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)

    @property
    def default(self) -> SlaPolicy | None:
        return self.policies.get(self.default_id) if self.default_id else None

    def policy_for(self, plan_code: str | None) -> SlaPolicy | None:
        """The active policy of the plan, else the default (None when there is none)."""
        if plan_code and plan_code in self.by_plan_code:
            return self.policies[self.by_plan_code[plan_code]]
        return self.default


def attach_rules(calendar: BusinessCalendar, periods, days) -> BusinessCalendar:
    """Give a calendar its rules (all of its days), so the engine reads nothing more."""
    calendar._sla_rules = engine.Rules(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        use_china_holidays=calendar.use_china_holidays,
        periods=engine.periods_by_weekday(periods),
        days=dict(days),
        calendar_id=calendar.pk,
    )
    return calendar


def load() -> Config:
    """Read the configuration from the database (five queries)."""
    config = Config()
    policies = list(SlaPolicy.objects.filter(active=True).select_related("calendar", "plan"))
    calendars = {policy.calendar_id: policy.calendar for policy in policies}
    periods: dict[int, list] = {pk: [] for pk in calendars}
    for period in WorkingPeriod.objects.filter(calendar_id__in=calendars):
        periods[period.calendar_id].append(period)
    days: dict[int, list] = {pk: [] for pk in calendars}
    for calendar_id, date, is_working in CalendarDay.objects.filter(
        calendar_id__in=calendars
    ).values_list("calendar_id", "date", "is_working"):
        days[calendar_id].append((date, is_working))
    for pk, calendar in calendars.items():
        attach_rules(calendar, periods[pk], days[pk])
    for policy in policies:
        policy.calendar = calendars[policy.calendar_id]
        config.policies[policy.pk] = policy
        if policy.plan_id is None:
            config.default_id = policy.pk
        else:
            config.by_plan_code[policy.plan.code] = policy.pk
    for policy_id, priority, response, resolution in SlaTarget.objects.filter(
        policy_id__in=config.policies
    ).values_list("policy_id", "priority", "response_minutes", "resolution_minutes"):
        config.targets.setdefault(policy_id, {})[priority] = (response, resolution)
    config.tiers = dict(CityTier.objects.values_list("city", "tier"))
    return config


# The configuration last read by this process, with its token and when it was read: a
# warm read then costs only the token's query, not also unpickling the whole
# configuration from Django's cache on every request creation.
_here: tuple[str, Config, float] | None = None


def current() -> Config:
    """The configuration now: from the cache when the token has not changed."""
    global _here
    token = _token()
    if token:
        here = _here
        if here is not None and here[0] == token and time.monotonic() - here[2] < TTL:
            return here[1]
        found = cache.get(KEY.format(token=token))
        if found is not None:
            _here = (token, found, time.monotonic())
            return found
    config = load()
    if token:
        cache.set(KEY.format(token=token), config, TTL)
        _here = (token, config, time.monotonic())
    return config


def _token() -> str | None:
    # Plain SQL: on the path of every request creation, the ORM's building of this one
    # query cost more than the query.
    table = connection.ops.quote_name(ConfigVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def bump(**kwargs) -> None:
    """Something changed: the next read loads the configuration afresh."""
    token = uuid.uuid4().hex
    if not ConfigVersion.objects.filter(pk=1).update(token=token):
        ConfigVersion.objects.update_or_create(pk=1, defaults={"token": token})


def connect() -> None:
    for model in WATCHED:
        post_save.connect(bump, sender=model, dispatch_uid=f"sla-bump-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"sla-bump-delete-{model.__name__}")
