"""Small builders for planner tests: a day in Shanghai, technicians and visits."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aftersales.dispatch.planner import Shift, Technician, VisitToPlan
from aftersales.dispatch.travel import Point

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEST = Point(31.23, 121.35)
EAST = Point(31.23, 121.65)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=SHANGHAI)


def near(p: Point, dlat: float = 0.0, dlon: float = 0.0) -> Point:
    return Point(round(p.latitude + dlat, 6), round(p.longitude + dlon, 6))


def tech(id, start=WEST, skills=("aircon",), shift=(8, 18), name=None, **kw) -> Technician:
    return Technician(
        id=id,
        name=name or f"T{id}",
        start=start,
        shift=Shift(at(shift[0]), at(shift[1])),
        skills=frozenset(skills),
        **kw,
    )


def visit(id, location, minutes=60, skill="aircon", **kw) -> VisitToPlan:
    return VisitToPlan(
        id=id, location=location, duration=timedelta(minutes=minutes), skill=skill, **kw
    )
