"""Warranty windows (三包): by default return within 7 days, exchange within 15, repair within
12 months; a unit's policy may say otherwise, and an exchanged unit starts afresh."""

import datetime

import pytest

from aftersales.testing.factories import CategoryFactory, ProductFactory, UnitFactory
from aftersales.warranty.dates import add_months
from aftersales.warranty.decision import PolicyBook
from aftersales.warranty.models import WarrantyPolicy
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


def unit_bought(day, **extra):
    return UnitFactory.build(purchased_on=day, product=ProductFactory.build(), **extra)


def test_the_windows_count_from_the_purchase_date(db):
    # when
    dates = warranty_dates(unit_bought(d(2026, 3, 1)))

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
def test_the_best_remedy_still_open_on_a_day(db, day, status):
    # given a unit bought on 1 March 2026
    dates = warranty_dates(unit_bought(d(2026, 3, 1)))

    # when / then
    assert dates.status_on(day) == status
    assert STATUS_LABELS[status]


def test_without_a_purchase_date_the_warranty_is_unknown(db):
    # when
    dates = warranty_dates(unit_bought(None))

    # then
    assert dates.status_on(d(2026, 3, 1)) == "unknown"
    assert (dates.return_until, dates.exchange_until, dates.repair_until) == (None, None, None)


@pytest.mark.django_db
def test_the_windows_follow_the_policy_of_the_units_category():
    # given a category whose policy gives 10 days to return, 30 to exchange, 24 months' repair
    category = CategoryFactory()
    WarrantyPolicy.objects.create(
        name="商用空调", category=category, return_days=10, exchange_days=30, repair_months=24
    )
    unit = UnitFactory(purchased_on=d(2026, 3, 1), product=ProductFactory(category=category))

    # when
    dates = warranty_dates(unit, PolicyBook())

    # then
    assert (dates.return_until, dates.exchange_until, dates.repair_until) == (
        d(2026, 3, 11),
        d(2026, 3, 31),
        d(2028, 3, 1),
    )


@pytest.mark.django_db
def test_an_exchanged_unit_counts_from_the_exchange():
    # given a replacement unit bought in March but handed over on 1 June
    unit = unit_bought(d(2026, 3, 1), warranty_starts_on=d(2026, 6, 1))

    # when
    dates = warranty_dates(unit)

    # then
    assert dates.repair_until == d(2027, 6, 1)
    assert dates.status_on(d(2026, 6, 5)) == "return"
