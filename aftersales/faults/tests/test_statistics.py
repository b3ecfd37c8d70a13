"""Pareto order and cumulative shares, failures per 1000 units and early-failure flags on
the hand-made data of conftest.py, whose answers are worked out there."""

import datetime
from decimal import Decimal

import pytest

from aftersales.faults import selectors
from aftersales.faults.rules import EarlyFailure
from aftersales.faults.selectors import ParetoRow, Scope, pareto

D = Decimal
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _rows(rows):
    return [(r.label, r.count, r.share, r.cumulative) for r in rows]


def test_pareto_orders_biggest_first_with_ties_by_label_and_ends_at_100():
    rows = pareto([ParetoRow("1", "b", "", 1), ParetoRow("2", "a", "", 1),
                   ParetoRow("3", "c", "", 2)])  # fmt: skip
    assert _rows(rows) == [("c", 2, D("50.0"), D("50.0")), ("a", 1, D("25.0"), D("75.0")),
                           ("b", 1, D("25.0"), D("100.0"))]  # fmt: skip
    assert pareto([]) == []


def test_fault_code_pareto(field_data):
    rows = selectors.fault_code_pareto(Scope(START, END))
    assert _rows(rows) == [
        ("E1", 4, D("50.0"), D("50.0")),
        ("E3", 2, D("25.0"), D("75.0")),
        ("E2", 1, D("12.5"), D("87.5")),
        ("E4", 1, D("12.5"), D("100.0")),
    ]
    assert rows[0].extra["component"] == "compressor"
    assert rows[-1].extra["kind"] == "operation"


def test_fault_code_pareto_per_model_and_batch(field_data):
    rows = selectors.fault_code_pareto(Scope(START, END, product=field_data["a"]))
    assert _rows(rows) == [
        ("E1", 3, D("50.0"), D("50.0")),
        ("E2", 1, D("16.7"), D("66.7")),
        ("E3", 1, D("16.7"), D("83.3")),
        ("E4", 1, D("16.7"), D("100.0")),
    ]
    march = Scope(START, END, product=field_data["a"], batch=datetime.date(2026, 3, 1))
    assert _rows(selectors.fault_code_pareto(march)) == [
        ("E1", 1, D("50.0"), D("50.0")),
        ("E4", 1, D("50.0"), D("100.0")),
    ]
    assert selectors.fault_code_pareto(Scope(START, END, batch=datetime.date(2025, 11, 1))) == []


def test_component_pareto(field_data):
    rows = selectors.component_pareto(Scope(START, END, category=field_data["category"]))
    assert _rows(rows) == [
        ("compressor", 5, D("62.5"), D("62.5")),
        ("board", 2, D("25.0"), D("87.5")),
        ("(component not given)", 1, D("12.5"), D("100.0")),
    ]


def test_part_pareto_counts_parts_used_on_failures_only(field_data):
    rows = selectors.part_pareto(Scope(START, END))
    assert _rows(rows) == [("P1", 3, D("75.0"), D("75.0")), ("P2", 1, D("25.0"), D("100.0"))]
    assert [r.extra["requests"] for r in rows] == [2, 1]


def _rates(rows):
    return [
        (r.sku, r.batch, r.units, r.failures, r.failed_units, r.per_thousand, r.early,
         r.early_share, r.flagged)
        for r in rows
    ]  # fmt: skip


def test_failure_rates_per_model(field_data):
    assert _rates(selectors.failure_rates(Scope(START, END))) == [
        ("SKU-A", None, 10, 4, 3, D("400.00"), 3, D("30.00"), True),
        ("SKU-B", None, 10, 2, 2, D("200.00"), 1, D("10.00"), False),
    ]


def test_failure_rates_per_batch(field_data):
    assert _rates(selectors.failure_rates(Scope(START, END), by_batch=True)) == [
        ("SKU-A", datetime.date(2026, 1, 1), 4, 3, 2, D("750.00"), 2, D("50.00"), False),
        ("SKU-B", datetime.date(2025, 12, 1), 10, 2, 2, D("200.00"), 1, D("10.00"), False),
        ("SKU-A", datetime.date(2026, 3, 1), 6, 1, 1, D("166.67"), 1, D("16.67"), False),
    ]


def test_early_failure_days_come_from_settings(field_data, settings):
    settings.FAULTS_EARLY_FAILURE_DAYS = 10
    settings.FAULTS_EARLY_FAILURE_MIN = 1
    rows = {r.sku: r for r in selectors.failure_rates(Scope(START, END))}
    # a5 failed 10 days after purchase: still early; a1 (17 days) and a2 no more.
    assert (rows["SKU-A"].early, rows["SKU-A"].flagged) == (1, True)
    assert (rows["SKU-B"].early, rows["SKU-B"].flagged) == (0, False)


def test_units_bought_after_the_period_are_not_in_the_field(field_data):
    rows = selectors.failure_rates(Scope(START, datetime.date(2026, 2, 28)))
    # Model A: the January batch only (4 units), a1 and a2 failed in February.
    assert _rates(rows)[0] == ("SKU-A", None, 4, 2, 2, D("500.00"), 2, D("50.00"), False)


@pytest.mark.parametrize(
    ("early", "units", "flagged"),
    [(3, 100, True), (2, 100, False), (3, 200, False), (4, 200, True), (5, 0, False)],
)
def test_early_failure_flag(early, units, flagged):
    rule = EarlyFailure(days=90, share=D("0.02"), min_failures=3)
    assert rule.flagged(early, units) is flagged
