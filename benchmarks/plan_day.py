"""Benchmark `aftersales.dispatch.planner.plan_day`: one big city's day, short run vs long run.

    .venv/bin/python benchmarks/plan_day.py [--visits 300] [--technicians 40]
                                            [--limit 10] [--long-limit 60] [--seed 1]

Generates (seeded) a day in Shanghai: technicians starting from 4 service centers
(lat 31.1–31.4, lon 121.3–121.7), shifts 08:00–18:00 (a quarter 09:00–19:00), 1–2 of
3 skills each; visits spread over the city, 30–120 min, 30 % with a customer window of
2–3 h, 20 % with an SLA on-site deadline that day. Plans it with the short time limit
and with the long one and prints planned/unplanned counts, total travel, solve time and
the travel gap of the short run against the long one. No database is involved.
"""

import argparse
import collections
import os
import platform
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aftersales.dispatch.planner import Shift, Technician, VisitToPlan, plan_day  # noqa: E402
from aftersales.dispatch.travel import Point  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 24, tzinfo=SHANGHAI)
SKILLS = ["aircon", "washer", "fridge"]
CENTERS = [Point(31.32, 121.42), Point(31.30, 121.60), Point(31.16, 121.40), Point(31.18, 121.58)]


def at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


def generate(n_visits: int, n_technicians: int, seed: int):
    rng = random.Random(seed)
    technicians = []
    for k in range(n_technicians):
        starts = 9 if k % 4 == 3 else 8
        technicians.append(
            Technician(
                id=k + 1,
                name=f"Technician {k + 1}",
                start=CENTERS[k % len(CENTERS)],
                shift=Shift(at(starts), at(starts + 10)),
                skills=frozenset(rng.sample(SKILLS, rng.choice([1, 2]))),
            )
        )
    visits = []
    for k in range(n_visits):
        window = deadline = None
        r = rng.random()
        if r < 0.3:
            opens = rng.choice(range(16, 33)) / 2  # 08:00 … 16:00 on the half hour
            window = (at(opens), at(opens + rng.choice([2, 2.5, 3])))
        elif r < 0.5:
            deadline = at(rng.choice(range(20, 37)) / 2)  # 10:00 … 18:00
        visits.append(
            VisitToPlan(
                id=1000 + k,
                location=Point(
                    round(rng.uniform(31.1, 31.4), 5), round(rng.uniform(121.3, 121.7), 5)
                ),
                duration=timedelta(minutes=rng.choice(range(30, 121, 15))),
                skill=rng.choice(SKILLS),
                window=window,
                deadline=deadline,
            )
        )
    return technicians, visits


def summary(label, plan, limit):
    reasons = collections.Counter(u.reason for u in plan.unplanned)
    used = sum(1 for r in plan.routes if r.stops)
    work_h = sum(r.work_s for r in plan.routes) / 3600
    print(
        f"{label:>6} (limit {limit:g} s): planned {plan.planned_count}, "
        f"unplanned {len(plan.unplanned)} {dict(reasons)}, technicians used {used}, "
        f"travel {plan.travel_s / 3600:.1f} h, work {work_h:.1f} h, "
        f"solve {plan.solve_s:.1f} s, status {plan.status}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--technicians", type=int, default=40)
    parser.add_argument("--limit", type=float, default=10)
    parser.add_argument("--long-limit", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    technicians, visits = generate(args.visits, args.technicians, args.seed)
    print(
        f"{len(visits)} visits, {len(technicians)} technicians, seed {args.seed}; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    short = plan_day(technicians, visits, time_limit_s=args.limit)
    summary("short", short, args.limit)
    if args.long_limit:
        long = plan_day(technicians, visits, time_limit_s=args.long_limit)
        summary("long", long, args.long_limit)
        gap = (short.travel_s - long.travel_s) / long.travel_s * 100 if long.travel_s else 0
        print(
            f"travel gap of the short run: {gap:+.1f} % "
            f"(planned {short.planned_count} vs {long.planned_count})"
        )


if __name__ == "__main__":
    main()
