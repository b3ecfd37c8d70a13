"""The charts' coordinates (faults.charts) on hand-made rows: what the SVG will show."""

import datetime
from decimal import Decimal

from aftersales.faults import charts
from aftersales.faults.selectors import ParetoRow, RateRow, pareto

D = Decimal


def _rows():
    rows = pareto([ParetoRow("1", "E1", "", 6), ParetoRow("2", "E2", "", 3),
                   ParetoRow("3", "E3", "", 1)])  # fmt: skip
    for row in rows:
        row.url = f"/faults/requests/?code={row.key}"
    return rows


def test_pareto_bars_are_scaled_to_the_biggest_and_link_to_their_requests():
    chart = charts.pareto_chart(_rows())
    bars = chart["bars"]
    assert [b["row"].label for b in bars] == ["E1", "E2", "E3"]
    assert [b["height"] for b in bars] == [160, 80, round(160 / 6, 1)]
    # Every bar stands on the bottom of the plot, side by side from the left.
    assert {b["y"] + b["height"] for b in bars} == {chart["bottom"]}
    assert bars[0]["x"] < bars[1]["x"] < bars[2]["x"] < chart["right"]
    assert bars[2]["url"] == "/faults/requests/?code=3"
    assert chart["max_count"] == 6 and chart["hidden"] == 0


def test_the_cumulative_line_and_the_80_per_cent_mark():
    chart = charts.pareto_chart(_rows())
    top, bottom = chart["top"], chart["bottom"]
    # 60 %, 90 %, 100 % of the way up the plot, through the bars' centres.
    expected = [bottom - 0.6 * 160, bottom - 0.9 * 160, top]
    assert [b["cy"] for b in chart["bars"]] == expected
    assert chart["line"] == " ".join(f"{b['cx']},{b['cy']}" for b in chart["bars"])
    assert chart["mark_y"] == bottom - 0.8 * 160
    assert chart["bars"][0]["cx"] == chart["bars"][0]["x"] + chart["bar"] / 2


def test_a_long_pareto_draws_the_first_rows_only():
    rows = pareto([ParetoRow(str(i), f"C{i:02}", "", 40 - i) for i in range(40)])
    chart = charts.pareto_chart(rows, limit=30)
    assert len(chart["bars"]) == 30 and chart["hidden"] == 10
    assert chart["bars"][-1]["cy"] > chart["top"]  # the 30th is below 100 % cumulative


def test_an_empty_pareto_has_no_bars():
    chart = charts.pareto_chart([])
    assert chart["bars"] == [] and chart["line"] == "" and chart["max_count"] == 0


def test_rate_bars_highlight_early_failures_and_skip_rows_without_units():
    rows = [
        RateRow(1, "SKU-A", "A", None, units=4, failures=3, per_thousand=D("750.00"),
                flagged=True, url="/a"),
        RateRow(2, "SKU-B", "B", None, units=10, failures=2, per_thousand=D("200.00"), url="/b"),
        RateRow(3, "SKU-C", "C", datetime.date(2026, 1, 1), failures=1),  # no units
    ]  # fmt: skip
    chart = charts.rate_chart(rows)
    bars = chart["bars"]
    assert [(b["row"].sku, b["flagged"], b["url"]) for b in bars] == [
        ("SKU-A", True, "/a"), ("SKU-B", False, "/b"),
    ]  # fmt: skip
    assert bars[0]["width"] == charts.RATE_WIDTH
    assert bars[1]["width"] == round(charts.RATE_WIDTH * 200 / 750, 1)
    assert bars[1]["y"] > bars[0]["y"] and chart["height"] > bars[1]["y"] + chart["bar"]
