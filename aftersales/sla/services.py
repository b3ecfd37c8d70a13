"""SLA use cases: the deadlines a request gets, and the rules for changing calendars,
city tiers and policies.

`deadlines_for`, `policy_for`, `tier_of`, `extend_for_pause` and `pauses_on` are what
`service` calls when a request is created, paused and resumed. The rest are the
administration's rules: each change checks who may make it and whether it is valid
(`check_*`), then writes it in one transaction; a refusal (`DomainError`, or
`ValidationError` for field problems) writes nothing. Views, the API and the admin call
these.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import signed_in
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.sla import config, engine
from aftersales.sla.models import (
    MIDNIGHT,
    OTHER_TIER,
    PRIORITY_ORDER,
    BusinessCalendar,
    CalendarDay,
    CityTier,
    Priority,
    SlaPolicy,
    SlaTarget,
    Tier,
    Weekday,
    WorkingPeriod,
)

logger = logging.getLogger(__name__)

H = 60  # minutes
# When there is no default policy, or it lacks a priority: (response, resolution) in
# business minutes on the built-in working-days calendar.
BUILTIN_TARGETS = {
    Priority.URGENT: (1 * H, 8 * H),
    Priority.HIGH: (2 * H, 16 * H),
    Priority.NORMAL: (4 * H, 24 * H),
    Priority.LOW: (8 * H, 40 * H),
}
BUILTIN_ONSITE = (24, 48)
STANDARD_HOURS = ((9, 0, 12, 0), (13, 0, 18, 0))  # Monday to Friday
WORKING_DAYS_CODE = "china-working-days"
ALWAYS_OPEN_CODE = "24x7"
# Plans whose requests are served around the clock when their policy is made for them.
AROUND_THE_CLOCK_PLANS = frozenset({"gold"})
# Customer statuses that may pause the resolution clock.
WAITING_CUSTOMER = "waiting_customer"
WAITING_PARTS = "waiting_parts"


# --- Who may ------------------------------------------------------------------------------
#
# The back office reads calendars, tiers and policies (agents tell customers when to
# expect a call back); administrators and service managers change them.


def can_read(user) -> bool:
    return signed_in(user) and user.is_back_office


def can_manage(user) -> bool:
    return signed_in(user) and user.is_manager


def check_manage(actor) -> None:
    """`actor` None is the system itself (migrations, demo data)."""
    if actor is not None and not can_manage(actor):
        raise NotAllowed(
            gettext_lazy(
                "Only administrators and service managers may change calendars, city tiers "
                "and SLA policies."
            )
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _clean_fields(obj, errors: dict, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)


def duration_text(minutes: int, business: bool = False) -> str:
    """ "4 h business time", "1 h 30 min", "45 min"."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        text = _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    elif hours:
        text = _("%(h)s h") % {"h": hours}
    else:
        text = _("%(m)s min") % {"m": rest}
    return _("%(time)s business time") % {"time": text} if business else text


# --- Deadlines (what `service` calls) ------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    policy: SlaPolicy
    response_due_at: datetime.datetime
    resolution_due_at: datetime.datetime
    onsite_due_at: datetime.datetime | None  # only when needs_visit
    response_minutes: int  # the targets used, for the timeline text
    resolution_minutes: int
    onsite_hours: int | None
    tier: str  # "tier1", "tier2", "tier3", "county" or "other"

    def as_json(self) -> dict:
        """Plain JSON for the request's snapshot: dates in ISO 8601, the policy by id and
        name, the targets as numbers and as text for the timeline."""
        policy = self.policy
        targets = {
            "response": duration_text(self.response_minutes, business=True),
            "resolution": duration_text(self.resolution_minutes, business=True),
        }
        if self.onsite_hours is not None:
            targets["onsite"] = duration_text(self.onsite_hours * 60)
        if policy.update_every_hours:
            targets["update"] = duration_text(policy.update_every_hours * 60)
        return {
            "policy": {"id": policy.pk, "name": policy.name},
            "calendar": {"id": policy.calendar.pk, "name": policy.calendar.name},
            "tier": self.tier,
            "response_due_at": self.response_due_at.isoformat(),
            "resolution_due_at": self.resolution_due_at.isoformat(),
            "onsite_due_at": self.onsite_due_at.isoformat() if self.onsite_due_at else None,
            "response_minutes": self.response_minutes,
            "resolution_minutes": self.resolution_minutes,
            "onsite_hours": self.onsite_hours,
            "warn_at_percent": policy.warn_at_percent,
            "update_every_hours": policy.update_every_hours,
            "targets": targets,
        }


def builtin_calendar() -> BusinessCalendar:
    """Monday to Friday 09:00–12:00 and 13:00–18:00 with China's holidays (not saved)."""
    calendar = BusinessCalendar(
        name=_("Built-in working days"),
        code="builtin",
        time_zone=settings.TIME_ZONE,
        use_china_holidays=True,
    )
    periods = [
        WorkingPeriod(weekday=weekday, starts=datetime.time(h1, m1), ends=datetime.time(h2, m2))
        for weekday in range(5)
        for h1, m1, h2, m2 in STANDARD_HOURS
    ]
    return config.attach_rules(calendar, periods, ())


def builtin_policy() -> SlaPolicy:
    """What applies when there is no default policy: never saved, logged when used."""
    return SlaPolicy(
        name=_("Built-in default"),
        calendar=builtin_calendar(),
        onsite_hours_tier1=BUILTIN_ONSITE[0],
        onsite_hours_other=BUILTIN_ONSITE[1],
    )


def normalise_city(city: str | None) -> str:
    """ "北京市 " → "北京": a trailing 市 is not part of the name the tiers list."""
    city = (city or "").strip()
    if len(city) > 1 and city.endswith("市"):
        city = city[:-1].strip()
    return city


def _policy(found: config.Config, plan_code: str | None) -> SlaPolicy:
    policy = found.policy_for(plan_code)
    if policy is None:
        logger.warning("No active default SLA policy: using the built-in targets.")
        return builtin_policy()
    return policy


def policy_for(plan_code: str | None) -> SlaPolicy:
    """The plan's active policy, else the default one (else the built-in one).

    Its `calendar` is loaded with its rules: the engine reads nothing more for it.
    """
    return _policy(config.current(), plan_code)


def tier_of(city: str) -> str:
    """ "tier1", "tier2", "tier3", "county", or "other" for a city that is not listed."""
    return _tier(config.current(), city)


def _tier(found: config.Config, city: str) -> str:
    return found.tiers.get(normalise_city(city), OTHER_TIER)


def _targets(found: config.Config, policy: SlaPolicy, priority: str) -> tuple[int, int]:
    for source in (policy.pk, found.default_id):
        if source and priority in found.targets.get(source, {}):
            return found.targets[source][priority]
    logger.warning(
        "SLA policy %s has no %s target and neither has a default policy: using the built-in one.",
        policy.name,
        priority,
    )
    return BUILTIN_TARGETS[priority]


def deadlines_for(
    *,
    received_at: datetime.datetime,
    priority: str,
    plan_code: str | None,
    city: str,
    needs_visit: bool,
) -> Deadlines:
    """The deadlines of a request received at `received_at`.

    Response and resolution are business time on the policy's calendar; on-site arrival
    is clock time from `received_at` (tier-1 cities get the shorter promise). A priority
    the policy lacks takes the default policy's target. One query when the configuration
    is cached, six when it is not.
    """
    if priority not in BUILTIN_TARGETS:
        raise DomainError(
            gettext_lazy("%(priority)s is not a priority.") % {"priority": priority},
            field="priority",
        )
    if received_at.tzinfo is None:
        raise ValueError("received_at must be an aware datetime")
    found = config.current()
    policy = _policy(found, plan_code)
    response, resolution = _targets(found, policy, priority)
    tier = _tier(found, city)
    onsite_hours = onsite_due_at = None
    if needs_visit:
        tier1 = tier == Tier.TIER1
        onsite_hours = policy.onsite_hours_tier1 if tier1 else policy.onsite_hours_other
        onsite_due_at = received_at + datetime.timedelta(hours=onsite_hours)
    calendar = policy.calendar
    return Deadlines(
        policy=policy,
        response_due_at=engine.add_business_time(
            calendar, received_at, datetime.timedelta(minutes=response)
        ),
        resolution_due_at=engine.add_business_time(
            calendar, received_at, datetime.timedelta(minutes=resolution)
        ),
        onsite_due_at=onsite_due_at,
        response_minutes=response,
        resolution_minutes=resolution,
        onsite_hours=onsite_hours,
        tier=str(tier),
    )


def extend_for_pause(
    policy: SlaPolicy,
    due_at: datetime.datetime | None,
    paused_from: datetime.datetime,
    paused_until: datetime.datetime,
) -> tuple[datetime.datetime | None, int]:
    """The deadline moved by exactly the business time paused, and that time in whole
    minutes (rounded). A pause over a night, weekend or holiday moves it by the working
    hours inside the pause only. A request without a resolution deadline keeps none,
    but its paused time is still counted."""
    paused = engine.business_time_between(policy.calendar, paused_from, paused_until)
    if not paused:
        return due_at, 0
    minutes = int((paused.total_seconds() + 30) // 60)
    if due_at is None:
        return None, minutes
    return engine.add_business_time(policy.calendar, due_at, paused), minutes


def pauses_on(policy: SlaPolicy, status: str) -> bool:
    """Whether the policy stops the resolution clock while a request is in `status`."""
    if status == WAITING_CUSTOMER:
        return policy.pause_on_waiting_customer
    if status == WAITING_PARTS:
        return policy.pause_on_waiting_parts
    return False


# --- Calendars ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Working hours on a weekday, as entered."""

    weekday: int
    starts: datetime.time
    ends: datetime.time

    @property
    def span(self) -> tuple[int, int]:
        end = 24 * 60 if self.ends == MIDNIGHT else self.ends.hour * 60 + self.ends.minute
        return self.starts.hour * 60 + self.starts.minute, end


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def check_periods(calendar: BusinessCalendar, periods: list[Period]) -> list[str]:
    """What is wrong with a calendar's working hours (an empty list when nothing is)."""
    problems: list[str] = []
    by_day: dict[int, list[Period]] = {}
    for period in periods:
        if period.weekday not in Weekday.values:
            problems.append(_("%(day)s is not a weekday.") % {"day": period.weekday})
            continue
        start, end = period.span
        if start >= end:
            problems.append(
                _("%(day)s: %(starts)s–%(ends)s ends before it starts.")
                % {
                    "day": Weekday(period.weekday).label,
                    "starts": _hhmm(period.starts),
                    "ends": _hhmm(period.ends),
                }
            )
            continue
        by_day.setdefault(period.weekday, []).append(period)
    for weekday, day_periods in sorted(by_day.items()):
        day_periods.sort(key=lambda p: p.span)
        for before, after in zip(day_periods, day_periods[1:], strict=False):
            if after.span[0] < before.span[1]:
                problems.append(
                    _("%(day)s: %(a)s and %(b)s overlap.")
                    % {
                        "day": Weekday(weekday).label,
                        "a": f"{_hhmm(before.starts)}–{_hhmm(before.ends)}",
                        "b": f"{_hhmm(after.starts)}–{_hhmm(after.ends)}",
                    }
                )
    if not calendar.always_open and not periods and not problems:
        problems.append(
            _(
                "Give the calendar working hours on at least one weekday, or make it open "
                "around the clock."
            )
        )
    return problems


def check_calendar(calendar: BusinessCalendar, periods: list[Period] | None = None) -> None:
    """The calendar's fields, its code unique, its working hours sane (None: the stored)."""
    errors: dict = {}
    calendar.code = (calendar.code or "").strip().lower()
    calendar.name = (calendar.name or "").strip()
    calendar.time_zone = (calendar.time_zone or "").strip()
    _clean_fields(calendar, errors)
    if calendar.code == "new":
        errors["code"] = _(
            "“new” is the address of the page that adds calendars; choose another code."
        )
    elif (
        calendar.code
        and BusinessCalendar.objects.exclude(pk=calendar.pk).filter(code=calendar.code).exists()
    ):
        errors["code"] = _("Another calendar already has the code %(code)s.") % {
            "code": calendar.code
        }
    if periods is None:
        periods = [
            Period(p.weekday, p.starts, p.ends)
            for p in (calendar.periods.all() if calendar.pk else ())
        ]
    problems = check_periods(calendar, periods)
    if problems:
        errors["periods"] = problems
    _raise(errors)


@transaction.atomic
def save_calendar(
    calendar: BusinessCalendar, *, actor, periods: list[Period] | None = None
) -> BusinessCalendar:
    """Create or change a calendar (fields already set) and, if given, all its hours.

    Deadlines already computed stay; new ones and pauses from now on use the new hours.
    """
    check_manage(actor)
    check_calendar(calendar, periods)
    calendar.save()
    if periods is not None:
        calendar.periods.all().delete()
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(calendar=calendar, weekday=p.weekday, starts=p.starts, ends=p.ends)
            for p in sorted(periods, key=lambda p: (p.weekday, p.span))
        )
        config.bump()  # bulk_create sends no signal
    return calendar


def check_day(calendar: BusinessCalendar, day: CalendarDay) -> None:
    errors: dict = {}
    day.name = (day.name or "").strip()
    _clean_fields(day, errors, exclude=["calendar"])
    if day.date and not (1900 <= day.date.year <= 2999):
        errors["date"] = _("Enter a date between the years 1900 and 2999.")
    _raise(errors)


@transaction.atomic
def set_calendar_day(
    calendar: BusinessCalendar, *, actor, date: datetime.date, is_working: bool, name: str = ""
) -> CalendarDay:
    """Enter a day off or a working day; a date entered before is changed. It overrides
    the holiday data for that date."""
    check_manage(actor)
    day = CalendarDay.objects.filter(calendar=calendar, date=date).first() or CalendarDay(
        calendar=calendar, date=date
    )
    day.is_working, day.name = bool(is_working), name
    check_day(calendar, day)
    day.save()
    return day


@transaction.atomic
def remove_calendar_day(calendar: BusinessCalendar, *, actor, date: datetime.date) -> None:
    """Take back an entered day: the holiday data (or the weekday) decides it again."""
    check_manage(actor)
    day = CalendarDay.objects.filter(calendar=calendar, date=date).first()
    if day is None:
        raise DomainError(
            _("%(date)s was not entered on this calendar.") % {"date": date.isoformat()},
            code="not_found",
            field="date",
        )
    day.delete()


# --- City tiers ---------------------------------------------------------------------------


def check_city_tier(tier: CityTier) -> None:
    errors: dict = {}
    tier.city = normalise_city(tier.city)
    _clean_fields(tier, errors)
    if tier.city and CityTier.objects.exclude(pk=tier.pk).filter(city=tier.city).exists():
        errors["city"] = _("%(city)s is already listed; change its tier there.") % {
            "city": tier.city
        }
    _raise(errors)


@transaction.atomic
def save_city_tier(tier: CityTier, *, actor) -> CityTier:
    """List a city (or change its tier). Requests already taken keep their on-site
    deadline; new requests from the city get the tier's."""
    check_manage(actor)
    check_city_tier(tier)
    tier.save()
    return tier


@transaction.atomic
def delete_city_tier(tier: CityTier, *, actor) -> None:
    """Unlist a city: it counts as "other" from now on."""
    check_manage(actor)
    tier.delete()


# --- Policies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Response and resolution targets for a priority, in business minutes, as entered."""

    priority: str
    response_minutes: int
    resolution_minutes: int


def check_targets(policy: SlaPolicy, targets: list[Target]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    labels = dict(Priority.choices)
    for target in targets:
        label = labels.get(target.priority)
        if label is None:
            problems.append(_("%(priority)s is not a priority.") % {"priority": target.priority})
            continue
        if target.priority in seen:
            problems.append(_("%(priority)s is listed twice.") % {"priority": label})
        seen.add(target.priority)
        if target.response_minutes < 1 or target.resolution_minutes < 1:
            problems.append(
                _("%(priority)s: targets must be at least one minute.") % {"priority": label}
            )
        elif target.resolution_minutes < target.response_minutes:
            problems.append(
                _(
                    "%(priority)s: resolution (%(resolution)s) cannot come before the first "
                    "response (%(response)s)."
                )
                % {
                    "priority": label,
                    "resolution": duration_text(target.resolution_minutes),
                    "response": duration_text(target.response_minutes),
                }
            )
    if policy.plan_id is None:
        missing = [str(labels[p]) for p in PRIORITY_ORDER if p not in seen]
        if missing:
            problems.append(
                _(
                    "The default policy needs targets for every priority (other policies "
                    "fall back to it); missing: %(missing)s."
                )
                % {"missing": ", ".join(missing)}
            )
    return problems


def check_policy(policy: SlaPolicy, targets: list[Target] | None = None) -> None:
    """One policy per plan and exactly one default; targets that make sense (None: the
    stored ones)."""
    errors: dict = {}
    policy.name = (policy.name or "").strip()
    _clean_fields(policy, errors)
    others = SlaPolicy.objects.exclude(pk=policy.pk)
    if policy.plan_id:
        taken = others.filter(plan_id=policy.plan_id).first()
        if taken:
            errors["plan"] = _(
                "%(plan)s already has a policy: %(policy)s. Change that one instead."
            ) % {"plan": policy.plan, "policy": taken.name}
    else:
        taken = others.filter(plan=None).first()
        if taken:
            errors["plan"] = _(
                "%(policy)s is already the default policy; choose a service plan for this one."
            ) % {"policy": taken.name}
        elif not policy.active:
            errors["active"] = _(
                "The default policy applies to every request without a plan: it stays active."
            )
    if policy.pk and policy.plan_id:
        was_default = SlaPolicy.objects.filter(pk=policy.pk, plan=None).exists()
        if was_default and not others.filter(plan=None).exists():
            errors["plan"] = _(
                "This is the default policy: make another policy the default before giving "
                "this one a plan."
            )
    if (
        "onsite_hours_other" not in errors
        and "onsite_hours_tier1" not in errors
        and policy.onsite_hours_tier1 is not None
        and policy.onsite_hours_other is not None
        and policy.onsite_hours_tier1 > policy.onsite_hours_other
    ):
        errors["onsite_hours_other"] = _(
            "Arrival elsewhere (%(other)s h) cannot be promised sooner than in tier-1 cities "
            "(%(tier1)s h)."
        ) % {"other": policy.onsite_hours_other, "tier1": policy.onsite_hours_tier1}
    if targets is None:
        targets = [
            Target(t.priority, t.response_minutes, t.resolution_minutes)
            for t in (policy.targets.all() if policy.pk else ())
        ]
    problems = check_targets(policy, targets)
    if problems:
        errors["targets"] = problems
    _raise(errors)


@transaction.atomic
def save_policy(policy: SlaPolicy, *, actor, targets: list[Target] | None = None) -> SlaPolicy:
    """Create or change a policy (fields already set) and, if given, all its targets.

    Requests keep the deadlines they were given; new requests use the new policy.
    """
    check_manage(actor)
    check_policy(policy, targets)
    policy.save()
    if targets is not None:
        wanted = {t.priority: t for t in targets}
        policy.targets.exclude(priority__in=wanted).delete()
        for priority, target in wanted.items():
            SlaTarget.objects.update_or_create(
                policy=policy,
                priority=priority,
                defaults={
                    "response_minutes": target.response_minutes,
                    "resolution_minutes": target.resolution_minutes,
                },
            )
    return policy


def _calendar_by_code(code: str) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(code=code).first()
    if calendar is None:
        raise DomainError(
            _("There is no calendar with the code %(code)s.") % {"code": code}, code="not_found"
        )
    return calendar


@transaction.atomic
def ensure_policy_for_plan(plan) -> SlaPolicy:
    """The plan's policy, made from the plan's promises when it has none yet.

    Each priority's targets are the default's, shortened to the plan's response and
    resolution hours; gold runs on the 24×7 calendar, other plans on working days. Safe
    to call twice (the demo loader calls it for gold, silver and bronze).
    """
    existing = SlaPolicy.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    code = ALWAYS_OPEN_CODE if plan.code in AROUND_THE_CLOCK_PLANS else WORKING_DAYS_CODE
    calendar = _calendar_by_code(code)
    default = SlaPolicy.objects.filter(plan=None).first()
    defaults = {
        t.priority: (t.response_minutes, t.resolution_minutes)
        for t in (default.targets.all() if default else ())
    }
    targets = []
    for priority in PRIORITY_ORDER:
        response, resolution = defaults.get(priority, BUILTIN_TARGETS[priority])
        response = min(response, plan.response_hours * H) if plan.response_hours else response
        if plan.resolution_hours:
            resolution = min(resolution, plan.resolution_hours * H)
        targets.append(Target(priority, response, max(resolution, response)))
    onsite = plan.onsite_hours or BUILTIN_ONSITE[0]
    policy = SlaPolicy(
        name=_("%(plan)s SLA") % {"plan": plan.name},
        plan=plan,
        calendar=calendar,
        onsite_hours_tier1=onsite,
        onsite_hours_other=min(onsite * 2, max(onsite, BUILTIN_ONSITE[1])),
    )
    return save_policy(policy, actor=None, targets=targets)
