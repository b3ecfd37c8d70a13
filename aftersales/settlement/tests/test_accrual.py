"""Every completed visit at a partner center accrues its fee once; own centers never."""

import datetime
from decimal import Decimal

import pytest

from aftersales.dispatch.models import VisitStatus
from aftersales.settlement import services
from aftersales.settlement.models import FeeAccrual
from aftersales.settlement.tests.conftest import SHANGHAI, make_rate, make_visit

pytestmark = pytest.mark.django_db


def test_a_completed_partner_visit_accrues_the_rate_once(partner_center, partner_tech, aircon):
    # given a rate for air-conditioner repairs at the partner
    rate = make_rate("120.50", center=partner_center, category=aircon)
    visit = make_visit(partner_center, aircon, technician=partner_tech)
    # when the visit is accrued twice
    first = services.accrue(visit)
    second = services.accrue(visit)
    # then there is one accrual with the rate's amount, in the month of check-out
    assert first == second
    assert FeeAccrual.objects.count() == 1
    assert (first.amount, first.rate, first.no_rate) == (Decimal("120.50"), rate, False)
    assert (first.center, first.technician, first.kind) == (partner_center, partner_tech, "repair")
    assert first.month == datetime.date(2026, 11, 1)


def test_the_month_is_that_of_the_local_check_out_time(partner_center, aircon):
    make_rate("50")
    # 1 December 00:30 in Shanghai is still 30 November in UTC
    done = datetime.datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)
    accrual = services.accrue(make_visit(partner_center, aircon, done=done))
    assert accrual.month == datetime.date(2026, 12, 1)


def test_no_rate_accrues_zero_flagged(partner_center, aircon):
    accrual = services.accrue(make_visit(partner_center, aircon))
    assert (accrual.amount, accrual.rate, accrual.no_rate) == (Decimal("0"), None, True)


def test_a_visit_without_a_unit_takes_the_any_category_rate(partner_center):
    rate = make_rate("40", center=partner_center)
    assert services.accrue(make_visit(partner_center)).rate == rate


def test_own_centers_and_unfinished_visits_accrue_nothing(center, partner_center, aircon):
    make_rate("50")
    assert services.accrue(make_visit(center, aircon)) is None
    for status in (VisitStatus.ON_SITE, VisitStatus.CANCELLED):
        assert services.accrue(make_visit(partner_center, aircon, status=status)) is None
    assert not FeeAccrual.objects.exists()


def test_accruals_are_history(partner_center, aircon):
    make_rate("50")
    accrual = services.accrue(make_visit(partner_center, aircon))
    accrual.amount = 1
    with pytest.raises(TypeError):
        accrual.save()
    with pytest.raises(TypeError):
        FeeAccrual.objects.all().delete()
