"""Coordinates of the charts on /faults/, computed here so that the template only draws
SVG (no script library): a Pareto chart (bars by count, biggest first, the cumulative
share as a line with its points, the 80 % line marked) and the failure rates per model
or batch as horizontal bars, early-failure flags highlighted. Each bar carries its row's
`url`, the list of the requests behind it.
"""

from decimal import Decimal

# Pareto chart: plot area and bar geometry, in SVG user units.
PLOT_LEFT, PLOT_TOP, PLOT_HEIGHT = 40, 12, 160
BAR, GAP = 26, 8
RIGHT_AXIS = 44  # room for the percentages on the right
LABEL_ROOM = 56  # below the plot: the bars' labels, slanted
PARETO_BARS = 30  # more would be unreadable; the table below lists every row
MARK = Decimal(80)  # the Pareto line: "the vital few" that make 80 % of the total

# Rate chart.
RATE_LABEL, RATE_WIDTH, RATE_ROW, RATE_BAR = 170, 320, 24, 16
RATE_VALUE_ROOM = 70


def _y_share(percent: Decimal) -> float:
    """The height of a percentage on the right axis (0 % at the bottom of the plot)."""
    return round(PLOT_TOP + PLOT_HEIGHT - float(percent) * PLOT_HEIGHT / 100, 1)


def pareto_chart(rows, limit: int = PARETO_BARS) -> dict:
    """Bars of a Pareto table (rows as `selectors.pareto` orders them, each with `count`,
    `cumulative` and `url`) scaled to the biggest count; the cumulative line's points at
    the bars' centres on a 0–100 % axis. Only the first `limit` rows are drawn (the
    cumulative shares stay those of all rows)."""
    shown = rows[:limit]
    top = max((r.count for r in shown), default=0) or 1
    bars = []
    for i, row in enumerate(shown):
        x = PLOT_LEFT + GAP + i * (BAR + GAP)
        height = round(PLOT_HEIGHT * row.count / top, 1)
        bars.append(
            {
                "row": row,
                "x": x,
                "y": round(PLOT_TOP + PLOT_HEIGHT - height, 1),
                "height": height,
                "cx": x + BAR / 2,
                "cy": _y_share(row.cumulative),
                "label": row.label if len(row.label) <= 10 else row.label[:9] + "…",
                "label_y": PLOT_TOP + PLOT_HEIGHT + 12,
                "url": row.url,
            }
        )
    plot_right = PLOT_LEFT + GAP + len(shown) * (BAR + GAP)
    return {
        "bars": bars,
        "line": " ".join(f"{b['cx']},{b['cy']}" for b in bars),
        "bar": BAR,
        "left": PLOT_LEFT,
        "right": plot_right,
        "top": PLOT_TOP,
        "bottom": PLOT_TOP + PLOT_HEIGHT,
        "mark_y": _y_share(MARK),
        "mark": MARK,
        "max_count": top if shown else 0,
        "width": plot_right + RIGHT_AXIS,
        "height": PLOT_TOP + PLOT_HEIGHT + LABEL_ROOM,
        "hidden": len(rows) - len(shown),
    }


def rate_chart(rows) -> dict:
    """One horizontal bar per model or batch with a rate (rows without units in the field
    have none and are left to the table), scaled to the highest rate; flagged rows
    highlighted."""
    rated = [r for r in rows if r.per_thousand is not None]
    top = max((r.per_thousand for r in rated), default=Decimal(0)) or Decimal(1)
    bars = []
    for i, row in enumerate(rated):
        width = round(float(RATE_WIDTH * row.per_thousand / top), 1)
        y = i * RATE_ROW + 4
        bars.append(
            {
                "row": row,
                "y": y,
                "text_y": y + RATE_BAR - 4,
                "width": width,
                "value_x": round(RATE_LABEL + width + 4, 1),
                "flagged": row.flagged,
                "url": row.url,
            }
        )
    return {
        "bars": bars,
        "left": RATE_LABEL,
        "bar": RATE_BAR,
        "width": RATE_LABEL + RATE_WIDTH + RATE_VALUE_ROOM,
        "height": len(rated) * RATE_ROW + 8,
    }
