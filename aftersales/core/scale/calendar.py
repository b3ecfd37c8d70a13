"""When requests come in: more in summer (air conditioners), fewer at weekends, far fewer
around the Spring Festival (春节), and mostly in office hours (China time)."""

import bisect
import datetime
import random
import zoneinfo
from itertools import accumulate

CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")

# First day of the Spring Festival; the week around it is quiet.
SPRING_FESTIVAL = {
    2022: datetime.date(2022, 2, 1),
    2023: datetime.date(2023, 1, 22),
    2024: datetime.date(2024, 2, 10),
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
}
# Volume by month for all products together (air conditioners make July and August busy).
MONTH_FACTOR = {1: 0.8, 2: 0.8, 3: 0.9, 4: 0.9, 5: 1.0, 6: 1.3, 7: 1.6, 8: 1.5, 9: 1.1}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6)
# Share of a day's requests per local hour.
HOUR_WEIGHTS = (
    1, 0, 0, 0, 0, 1, 2, 4, 8, 10, 10, 9, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1,
)  # fmt: skip
HOUR_CUMULATIVE = list(accumulate(HOUR_WEIGHTS))


def festival_factor(day: datetime.date) -> float:
    start = SPRING_FESTIVAL.get(day.year) or SPRING_FESTIVAL.get(day.year + 1)
    if start is None:
        return 1.0
    offset = (day - start).days
    if -3 <= offset <= 6:
        return 0.25
    if -7 <= offset <= 10:
        return 0.6
    return 1.0


def day_weight(day: datetime.date) -> float:
    return MONTH_FACTOR.get(day.month, 1.0) * WEEKDAY_FACTOR[day.weekday()] * festival_factor(day)


def received_times(
    rng: random.Random, count: int, start: datetime.date, end: datetime.datetime
) -> list[datetime.datetime]:
    """`count` arrival times (aware, UTC) from `start` to `end`, in time order."""
    days = [start + datetime.timedelta(days=i) for i in range((end.date() - start).days + 1)]
    cumulative = list(accumulate(day_weight(day) for day in days))
    total = cumulative[-1]
    hours_total = HOUR_CUMULATIVE[-1]
    times = []
    while len(times) < count:
        day = days[bisect.bisect_right(cumulative, rng.random() * total)]
        hour = bisect.bisect_right(HOUR_CUMULATIVE, rng.random() * hours_total)
        local = datetime.datetime(
            day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=CHINA
        )
        moment = local.astimezone(datetime.UTC)
        if moment <= end:
            times.append(moment)
    times.sort()
    return times
