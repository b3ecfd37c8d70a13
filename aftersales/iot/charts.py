"""Coordinates of a metric's line over time, computed here so that the template only
draws SVG (no script library), in the style of `faults.charts`: a polyline scaled to
the period (time left to right) and to the values (with any rule's threshold in view),
a few labelled ticks on each axis, and the thresholds as dashed lines."""

import datetime

from django.utils import timezone

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 10, 172  # the plot area inside the SVG
X_TICKS, Y_TICKS = 6, 4


def _label(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:.0f}"


def _time_label(moment: datetime.datetime, span: datetime.timedelta) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M}" if span <= datetime.timedelta(days=1) else f"{local:%m-%d}"


def line_chart(points, since, until, *, thresholds=()) -> dict:
    """`points` are (at, value) oldest first; `thresholds` the rules' lines to show."""
    chart = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
             "top": TOP, "bottom": BOTTOM, "points": "", "dots": [],
             "count": len(points)}  # fmt: skip
    span = until - since
    chart["x_ticks"] = [
        {"x": round(LEFT + i * (WIDTH - RIGHT - LEFT) / (X_TICKS - 1), 1),
         "label": _time_label(since + span * i / (X_TICKS - 1), span),
         "anchor": "start" if i == 0 else "end" if i == X_TICKS - 1 else "middle"}
        for i in range(X_TICKS)
    ]  # fmt: skip
    if not points:
        chart["y_ticks"], chart["thresholds"] = [], []
        return chart
    values = [v for _at, v in points] + [t for t in thresholds if t is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or (abs(high) * 0.1 or 1)
    low, high = low - pad, high + pad

    def x_of(at) -> float:
        return round(LEFT + (at - since) / span * (WIDTH - RIGHT - LEFT), 1)

    def y_of(value) -> float:
        return round(BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP), 1)

    xy = [(x_of(at), y_of(v), at, v) for at, v in points]
    chart["points"] = " ".join(f"{x},{y}" for x, y, _at, _v in xy)
    # Dots (with their time and value as a tooltip) only when they can be told apart.
    shown = xy if len(xy) <= 60 else xy[-1:]
    chart["dots"] = [{"x": x, "y": y, "at": at, "value": _label(v)} for x, y, at, v in shown]
    chart["y_ticks"] = [
        {"y": y_of(low + i * (high - low) / (Y_TICKS - 1)),
         "label": _label(low + i * (high - low) / (Y_TICKS - 1))}
        for i in range(Y_TICKS)
    ]  # fmt: skip
    chart["thresholds"] = [
        {"y": y_of(t), "label": _label(t)} for t in sorted(set(thresholds)) if t is not None
    ]
    return chart
