"""Service plans (gold, silver, bronze…): targets that fit together, ranks that do not tie."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.errors import NotAllowed
from aftersales.warranty import services
from aftersales.warranty.models import ServicePlan


def bronze(**fields):
    values = {
        "code": "bronze",
        "name": "铜牌服务",
        "rank": 1,
        "response_hours": 8,
        "resolution_hours": 72,
        "onsite_hours": 48,
        "price": Decimal("800"),
    }
    return ServicePlan(**(values | fields))


def test_a_plan_is_saved(manager):
    plan = services.save_plan(bronze(code="Bronze ", currency="cny"), actor=manager)
    plan.refresh_from_db()
    assert (plan.code, plan.currency, plan.price) == ("bronze", "CNY", Decimal("800.00"))


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"response_hours": 8, "resolution_hours": 4, "onsite_hours": 2},
            {
                "resolution_hours": [
                    "The resolution target (4 h) cannot be shorter than the first response "
                    "target (8 h)."
                ]
            },
        ),
        (
            {"onsite_hours": 96},
            {
                "onsite_hours": [
                    "The on-site arrival target (96 h) cannot be later than the resolution "
                    "target (72 h)."
                ]
            },
        ),
        ({"price": Decimal("-1")}, {"price": ["The amount cannot be negative."]}),
        ({"currency": "元"}, {"currency": ["Use a three-letter currency code such as CNY."]}),
        (
            {"rank": 3},
            {
                "rank": [
                    "Rank 3 is already 金牌服务's; give each plan its own rank so that the "
                    "better one applies when contracts overlap."
                ]
            },
        ),
        ({"code": "gold"}, {"code": ["Another plan already has the code gold."]}),
    ],
)
def test_plans_that_make_no_sense_are_refused(manager, gold, fields, errors):
    with pytest.raises(ValidationError) as refused:
        services.save_plan(bronze(**fields), actor=manager)
    assert refused.value.message_dict == errors
    assert ServicePlan.objects.count() == 1


def test_a_plan_no_longer_sold_may_share_a_rank(manager, gold):
    services.save_plan(bronze(rank=3, active=False), actor=manager)
    assert ServicePlan.objects.count() == 2


@pytest.mark.parametrize("role", ["agent", "dispatcher"])
def test_only_managers_change_plans(role, users):
    with pytest.raises(NotAllowed):
        services.save_plan(bronze(), actor=users[role])
