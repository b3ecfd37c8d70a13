"""Warranty windows (三包): return within 7 days, exchange within 15, repair within 12 months."""

import datetime

import pytest

from aftersales.warranty.dates import add_months
from aftersales.warranty.services import STATUS_LABELS, warranty_dates

d = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2026, 3, 15), 1, d(2026, 4, 15)),
        (d(2026, 1, 31), 1, d(2026, 2, 28)),  # clipped to the month's end
        (d(2028, 1, 31), 1, d(2028, 2, 29)),  # leap year
        (d(2024, 2, 29), 12, d(2025, 2, 28)),
        (d(2026, 12, 15), 1, d(2027, 1, 15)),  # across the year
        (d(2026, 11, 30), 3, d(2027, 2, 28)),
        (d(2026, 5, 31), 24, d(2028, 5, 31)),
        (d(2026, 3, 31), -1, d(2026, 2, 28)),
        (d(2026, 1, 10), -1, d(2025, 12, 10)),
        (d(2026, 6, 1), 0, d(2026, 6, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


class FakeUnit:
    def __init__(self, purchased_on):
        self.purchased_on = purchased_on


def test_the_windows_count_from_the_purchase_date():
    # when
    dates = warranty_dates(FakeUnit(d(2026, 3, 1)))

    # then
    assert dates.return_until == d(2026, 3, 8)
    assert dates.exchange_until == d(2026, 3, 16)
    assert dates.repair_until == d(2027, 3, 1)


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (d(2026, 3, 1), "return"),
        (d(2026, 3, 8), "return"),
        (d(2026, 3, 9), "exchange"),
        (d(2026, 3, 16), "exchange"),
        (d(2026, 3, 17), "repair"),
        (d(2027, 3, 1), "repair"),
        (d(2027, 3, 2), "expired"),
    ],
)
def test_the_best_remedy_still_open_on_a_day(day, status):
    # given a unit bought on 1 March 2026
    dates = warranty_dates(FakeUnit(d(2026, 3, 1)))

    # when / then
    assert dates.status_on(day) == status
    assert STATUS_LABELS[status]


def test_without_a_purchase_date_the_warranty_is_unknown():
    # when
    dates = warranty_dates(FakeUnit(None))

    # then
    assert dates.status_on(d(2026, 3, 1)) == "unknown"
    assert (dates.return_until, dates.exchange_until, dates.repair_until) == (None, None, None)
