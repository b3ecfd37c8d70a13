"""Business-time arithmetic on a calendar: is a day worked, what is N business hours after a
moment, how much business time lies between two moments.

Pure functions of a `BusinessCalendar` (or of the `Rules` read from one) and aware
datetimes. Whether a day is worked, in this order:

1. a day a manager entered (`CalendarDay`) says so;
2. an always-open (24×7) calendar works every day, all day;
3. with China's public holidays on and a year the holiday data covers, a public holiday
   is off and an adjusted working day (调休, often a Saturday or Sunday) is worked;
4. otherwise a day is worked when its weekday has working hours (so weekends are off in a
   Monday-to-Friday calendar). A year the holiday data does not cover never raises: its
   weekends and the manager's days decide.

A worked day whose weekday has no hours of its own (a 调休 Saturday, or a Sunday a manager
marked as working) has the hours of the first weekday that has some (Monday's, usually).

Time is walked in the calendar's time zone, day by day, by local wall-clock dates; each
working period is turned into an absolute interval with zoneinfo and all sums and
differences are made in UTC, so days of 23 or 25 hours (daylight saving) count right.

Choices, documented because the trade differs:
- Zero duration returns the start itself, even outside working hours (as Zendesk and
  Freshdesk do): "due immediately".
- A deadline that falls exactly on a closing time stays there (Friday 17:00 + 1 h is
  Friday 18:00, not Monday 09:00); a start at or after closing counts from the next opening.
"""

import datetime
import functools
import zoneinfo
from dataclasses import dataclass, field

from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as CHINA_HOLIDAYS
from chinese_calendar.constants import workdays as CHINA_WORKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.core.errors import DomainError

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
ZERO = datetime.timedelta(0)
FULL_DAY = ((0, 24 * 60),)
# A walk that meets this many days in a row without working time gives up: the
# calendar has no working time left (no hours, or every day marked off).
MAX_IDLE_DAYS = 3 * 366

# The years the installed holiday data covers (chinesecalendar 1.11.0: 2004–2026).
CHINA_YEARS = (min(CHINA_HOLIDAYS).year, max(CHINA_HOLIDAYS).year)
CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in Holiday}


def china_year_known(year: int) -> bool:
    return CHINA_YEARS[0] <= year <= CHINA_YEARS[1]


def china_day(day: datetime.date) -> tuple[bool, str] | None:
    """(is_working, holiday name in Chinese) when the holiday data says something special
    about `day` (a public holiday, or an adjusted working day 调休); None otherwise."""
    if not china_year_known(day.year):
        return None
    if day in CHINA_HOLIDAYS:
        return False, CHINESE_NAMES.get(CHINA_HOLIDAYS[day], CHINA_HOLIDAYS[day])
    if day in CHINA_WORKDAYS:
        return True, CHINESE_NAMES.get(CHINA_WORKDAYS[day], CHINA_WORKDAYS[day])
    return None


# --- The rules of one calendar ------------------------------------------------------------


@dataclass
class Rules:
    """What the engine needs of a calendar, read once per call (or cached by `sla.config`).

    `periods` maps a weekday to its working periods in minutes from midnight; `days` holds
    the manager's entries for the dates from `days_from` to `days_until` (None: unbounded).
    """

    time_zone: str
    always_open: bool
    use_china_holidays: bool
    periods: dict[int, tuple[tuple[int, int], ...]]
    days: dict[datetime.date, bool] = field(default_factory=dict)
    days_from: datetime.date | None = None
    days_until: datetime.date | None = None
    calendar_id: int | None = None

    @functools.cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @functools.cached_property
    def standard(self) -> tuple[tuple[int, int], ...]:
        """The hours of a worked day whose weekday has none of its own."""
        for weekday in range(7):
            if self.periods.get(weekday):
                return self.periods[weekday]
        return ()

    def covers(self, day: datetime.date) -> bool:
        return (self.days_from is None or self.days_from <= day) and (
            self.days_until is None or day <= self.days_until
        )

    def entry(self, day: datetime.date) -> bool | None:
        if not self.covers(day):
            self._load_all()
        return self.days.get(day)

    def _load_all(self) -> None:
        """A lookup outside the span read at first (not the engine's own walks): read all."""
        from aftersales.sla.models import CalendarDay

        rows = CalendarDay.objects.filter(calendar_id=self.calendar_id) if self.calendar_id else ()
        self.days = {} if not self.calendar_id else dict(rows.values_list("date", "is_working"))
        self.days_from = self.days_until = None

    def __getstate__(self):
        # The cached zone and hours are rebuilt after unpickling (sla.config caches Rules).
        state = dict(self.__dict__)
        state.pop("tz", None)
        state.pop("standard", None)
        return state


def periods_by_weekday(periods) -> dict[int, tuple[tuple[int, int], ...]]:
    found: dict[int, list[tuple[int, int]]] = {}
    for period in periods:
        found.setdefault(period.weekday, []).append((period.start_minute, period.end_minute))
    return {weekday: tuple(sorted(spans)) for weekday, spans in found.items()}


def rules_for(
    calendar, since: datetime.date | None = None, until: datetime.date | None = None
) -> Rules:
    """The calendar's rules with the manager's days from `since` to `until` (None: no bound).

    Two queries at most (working periods unless prefetched, and the days in the span in
    one); none for a calendar that `sla.config` has already read, or for `Rules`.
    """
    if isinstance(calendar, Rules):
        return calendar
    cached = getattr(calendar, "_sla_rules", None)
    if cached is not None:
        return cached
    periods = calendar.periods.all() if calendar.pk else ()
    days: dict[datetime.date, bool] = {}
    if calendar.pk:
        rows = calendar.days.all()
        if since is not None:
            rows = rows.filter(date__gte=since)
        if until is not None:
            rows = rows.filter(date__lte=until)
        days = dict(rows.values_list("date", "is_working"))
    return Rules(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        use_china_holidays=calendar.use_china_holidays,
        periods=periods_by_weekday(periods),
        days=days,
        days_from=since,
        days_until=until,
        calendar_id=calendar.pk,
    )


def _rules_for_walk(calendar, start, end=None) -> Rules:
    """The rules for a walk from `start` (to `end`): the manager's days of that span only."""
    if isinstance(calendar, Rules) or getattr(calendar, "_sla_rules", None) is not None:
        return rules_for(calendar)
    tz = zoneinfo.ZoneInfo(calendar.time_zone)
    since = start.astimezone(tz).date()
    return rules_for(calendar, since=since, until=end.astimezone(tz).date() if end else None)


# --- Days ---------------------------------------------------------------------------------


def _working(rules: Rules, day: datetime.date) -> bool:
    entry = rules.entry(day)
    if entry is not None:
        return entry
    if rules.always_open:
        return True
    if rules.use_china_holidays:
        special = china_day(day)
        if special is not None:
            return special[0]
    return bool(rules.periods.get(day.weekday()))


def is_working_day(calendar, day: datetime.date) -> bool:
    """Whether `day` is worked on `calendar` (see the module's docstring for the order)."""
    return _working(rules_for(calendar, since=day, until=day), day)


def _minutes_of(rules: Rules, day: datetime.date) -> tuple[tuple[int, int], ...]:
    if not _working(rules, day):
        return ()
    if rules.always_open:
        return FULL_DAY
    return rules.periods.get(day.weekday()) or rules.standard


def _moment(rules: Rules, day: datetime.date, minute: int) -> datetime.datetime:
    """The absolute (UTC) moment of `minute` minutes after local midnight of `day`, on the
    wall clock: 1440 is the next day's midnight, whatever the length of the day."""
    if minute >= 24 * 60:
        day, minute = day + DAY, minute - 24 * 60
    local = datetime.datetime.combine(
        day, datetime.time(minute // 60, minute % 60), tzinfo=rules.tz
    )
    return local.astimezone(UTC)


def spans(rules: Rules, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The working intervals of a local day, as (start, end) in UTC, in order."""
    return [(_moment(rules, day, a), _moment(rules, day, b)) for a, b in _minutes_of(rules, day)]


def _aware(moment: datetime.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _local_date(rules: Rules, moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(rules.tz).date()


def _no_days_off(rules: Rules, since: datetime.date, until: datetime.date | None = None) -> bool:
    """No manager's day off from `since` on (until `until`): a 24×7 walk is plain addition."""
    return not any(
        not working and day >= since and (until is None or day <= until)
        for day, working in rules.days.items()
    )


def _no_working_time() -> DomainError:
    return DomainError(
        _(
            "This calendar has no working time left: give it working hours, or remove some "
            "of its days off."
        ),
        code="no_working_time",
    )


# --- Time ---------------------------------------------------------------------------------


def add_business_time(
    calendar, start: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    """The moment `duration` of business time after `start`, in the calendar's time zone.

    A start outside working time counts from the next opening; zero returns `start`.
    Reads the manager's days from the start on in one query; walks whole days.
    """
    _aware(start, "start")
    if duration < ZERO:
        raise ValueError("duration cannot be negative")
    rules = _rules_for_walk(calendar, start)
    first = _local_date(rules, start)
    if not duration:
        return start
    at = start.astimezone(UTC)
    if rules.always_open and _no_days_off(rules, first):
        return (at + duration).astimezone(rules.tz)
    remaining = duration
    day, idle = first, 0
    while True:
        intervals = spans(rules, day)
        for opens, closes in intervals:
            if closes <= at:
                continue
            opens = max(opens, at)
            available = closes - opens
            if remaining <= available:
                return (opens + remaining).astimezone(rules.tz)
            remaining -= available
        idle = 0 if intervals else idle + 1
        if idle > MAX_IDLE_DAYS:
            raise _no_working_time()
        day += DAY


def business_time_between(
    calendar, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """The business time from `start` to `end` (zero if `end` is not after `start`)."""
    _aware(start, "start")
    _aware(end, "end")
    if end <= start:
        return ZERO
    rules = _rules_for_walk(calendar, start, end)
    first, last = _local_date(rules, start), _local_date(rules, end)
    a, b = start.astimezone(UTC), end.astimezone(UTC)
    if rules.always_open and _no_days_off(rules, first, last):
        return b - a
    total = ZERO
    day = first
    while day <= last:
        for opens, closes in spans(rules, day):
            lo, hi = max(opens, a), min(closes, b)
            if hi > lo:
                total += hi - lo
        day += DAY
    return total


# --- Holiday data coverage ----------------------------------------------------------------


def year_is_known(calendar, year: int) -> bool:
    """Whether the calendar's days off in `year` are known without the manager's entries:
    always for a calendar that does not follow China's holidays (or is open 24×7)."""
    if calendar.always_open or not calendar.use_china_holidays:
        return True
    return china_year_known(year)


def calendar_warnings(calendar, years) -> list[str]:
    """What the calendar page warns about: years the holiday data does not cover."""
    unknown = [year for year in years if not year_is_known(calendar, year)]
    if not unknown:
        return []
    entered: dict[int, int] = {}
    if calendar.pk:
        for day in calendar.days.filter(is_working=False, date__year__in=unknown).values_list(
            "date", flat=True
        ):
            entered[day.year] = entered.get(day.year, 0) + 1
    warnings = []
    for year in unknown:
        message = _(
            "%(year)s's public holidays are not in the holiday data: enter them below, or "
            "weekends alone count as days off."
        ) % {"year": year}
        if entered.get(year):
            message += " " + ngettext(
                "%(n)s day off has been entered for %(year)s so far.",
                "%(n)s days off have been entered for %(year)s so far.",
                entered[year],
            ) % {"n": entered[year], "year": year}
        warnings.append(message)
    return warnings
