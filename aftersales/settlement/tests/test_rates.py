"""Which fee rate applies to a visit: the most specific one in force on the day."""

import datetime

import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.settlement import services
from aftersales.settlement.models import FeeRate
from aftersales.settlement.tests.conftest import make_rate

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def schedule(partner_center, aircon):
    """Every level of the table, each with its own amount."""
    return {
        "center+kind+category": make_rate("90", center=partner_center, category=aircon),
        "center+kind": make_rate("70", center=partner_center),
        "default+kind+category": make_rate("60", category=aircon),
        "default+kind": make_rate("50"),
    }


# When the more specific rates are missing, the next one down applies.
PRECEDENCE = [
    ((), "center+kind+category"),
    (("center+kind+category",), "center+kind"),
    (("center+kind+category", "center+kind"), "default+kind+category"),
    (("center+kind+category", "center+kind", "default+kind+category"), "default+kind"),
    (("center+kind+category", "center+kind", "default+kind+category", "default+kind"), None),
]


@pytest.mark.parametrize("removed, expected", PRECEDENCE)
def test_the_most_specific_rate_wins(schedule, partner_center, aircon, removed, expected):
    # given the full table less the removed rows
    FeeRate.objects.filter(pk__in=[schedule[name].pk for name in removed]).delete()
    # when the rate for an air-conditioner repair at the partner is looked up
    rate = services.rate_for(partner_center, "repair", aircon, DAY)
    # then it is the expected row
    assert rate == (schedule[expected] if expected else None)


def test_a_parent_category_rate_covers_its_children_but_the_nearer_one_wins(
    partner_center, aircon, wall_unit
):
    parent = make_rate("60", center=partner_center, category=aircon)
    assert services.rate_for(partner_center, "repair", wall_unit, DAY) == parent
    child = make_rate("65", center=partner_center, category=wall_unit)
    assert services.rate_for(partner_center, "repair", wall_unit, DAY) == child


def test_another_centers_rate_another_kind_and_expired_rates_do_not_apply(
    partner_center, other_center, aircon, washer
):
    make_rate("99", center=other_center)
    make_rate("88", kind="installation", center=partner_center)
    make_rate("77", center=partner_center, category=washer)
    make_rate("66", center=partner_center, valid_to=datetime.date(2026, 10, 31))
    make_rate("55", center=partner_center, valid_from=datetime.date(2026, 12, 1))
    assert services.rate_for(partner_center, "repair", aircon, DAY) is None


def test_a_manager_saves_a_rate_and_overlaps_are_refused(manager, partner_center, aircon):
    rate = services.save_rate(
        FeeRate(center=partner_center, kind="repair", category=aircon, amount=80,
                valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 6, 30)),
        manager,
    )  # fmt: skip
    assert rate.pk
    with pytest.raises(Conflict):
        services.save_rate(
            FeeRate(center=partner_center, kind="repair", category=aircon, amount=85,
                    valid_from=datetime.date(2026, 6, 1)),
            manager,
        )  # fmt: skip
    # a rate that starts after the first one ends is fine
    services.save_rate(
        FeeRate(center=partner_center, kind="repair", category=aircon, amount=85,
                valid_from=datetime.date(2026, 7, 1)),
        manager,
    )  # fmt: skip
    assert FeeRate.objects.count() == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"amount": -1}, "negative"),
        ({"valid_to": datetime.date(2025, 1, 1)}, "end before"),
        ({"center": "own"}, "partner"),
    ],
)
def test_bad_rates_are_refused_with_a_reason(manager, center, fields, message):
    values = {"kind": "repair", "amount": 10, "valid_from": datetime.date(2026, 1, 1)}
    if fields.pop("center", None):
        values["center"] = center
    values.update(fields)
    with pytest.raises(DomainError, match=message):
        services.save_rate(FeeRate(**values), manager)
    assert not FeeRate.objects.exists()


def test_only_managers_save_rates(partner, agent):
    for user in (partner, agent):
        with pytest.raises(NotAllowed):
            services.save_rate(
                FeeRate(kind="repair", amount=10, valid_from=datetime.date(2026, 1, 1)), user
            )
