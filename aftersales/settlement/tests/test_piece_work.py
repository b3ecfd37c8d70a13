"""Piece rates (计件) for technicians, the monthly piece-work report, and visits completed
after their month's statement was approved (carried over to the next open month)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from aftersales.core.errors import DomainError
from aftersales.field.models import Technician
from aftersales.settlement import services
from aftersales.settlement.models import FeeAccrual, FeeRate, Payee
from aftersales.settlement.tests.conftest import NOV, SHANGHAI, make_rate, make_visit
from aftersales.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_tech(center):
    user = UserFactory(username="otech", first_name="师傅", last_name="王", role="technician",
                       service_center=center)  # fmt: skip
    return Technician.objects.create(user=user, home_center=center)


def piece(amount, **fields):
    return make_rate(amount, payee=Payee.TECHNICIAN, **fields)


# --- Accruing -------------------------------------------------------------------------------


def test_an_own_technician_earns_the_piece_rate_and_the_center_nothing(center, own_tech, aircon):
    rate = piece("35", category=aircon)
    visit = make_visit(center, aircon, technician=own_tech)
    fee, earned = services.record_completed(visit)
    assert fee is None
    assert (earned.payee, earned.technician, earned.amount, earned.rate) == (
        Payee.TECHNICIAN, own_tech, Decimal("35.00"), rate,
    )  # fmt: skip
    # a second call accrues nothing more
    services.record_completed(visit)
    assert FeeAccrual.objects.count() == 1


def test_a_partner_visit_pays_the_center_its_fee_and_the_technician_the_piece_rate(
    partner_center, partner_tech, aircon, manager
):
    make_rate("100", category=aircon)
    piece("30", center=partner_center)
    fee, earned = services.record_completed(
        make_visit(partner_center, aircon, technician=partner_tech)
    )
    assert (fee.payee, fee.amount) == (Payee.CENTER, Decimal("100.00"))
    assert (earned.payee, earned.amount) == (Payee.TECHNICIAN, Decimal("30.00"))
    # the partner's statement holds the center's fee only
    statement = services.build_statement(partner_center, NOV, manager)
    assert (statement.total, statement.line_count) == (Decimal("100.00"), 1)


def test_where_no_piece_rate_is_set_nothing_is_owed_to_the_technician(center, own_tech, aircon):
    make_rate("100", category=aircon)  # a partner fee is not a piece rate
    assert services.accrue_piece(make_visit(center, aircon, technician=own_tech)) is None
    assert not FeeAccrual.objects.exists()


def test_a_center_fee_for_an_own_center_is_refused_but_a_piece_rate_is_not(center, manager):
    fee = FeeRate(center=center, kind="repair", amount=Decimal("10"), valid_from=NOV)
    with pytest.raises(DomainError, match="partner centers only"):
        services.save_rate(fee, manager)
    rate = FeeRate(
        payee=Payee.TECHNICIAN, center=center, kind="repair", amount=Decimal("10"), valid_from=NOV
    )
    assert services.save_rate(rate, manager).pk


def test_a_piece_rate_and_a_center_fee_for_the_same_job_do_not_clash(partner_center, manager):
    make_rate("100", center=partner_center)
    rate = FeeRate(
        payee=Payee.TECHNICIAN,
        center=partner_center,
        kind="repair",
        amount=Decimal("30"),
        valid_from=datetime.date(2026, 1, 1),
    )
    assert services.save_rate(rate, manager).pk


# --- Carried over ---------------------------------------------------------------------------


def test_a_visit_completed_after_its_month_was_approved_is_carried_to_the_next_month(
    partner_center, aircon, manager
):
    # given November's statement was approved
    make_rate("100", category=aircon)
    services.accrue(make_visit(partner_center, aircon))
    services.approve(services.build_statement(partner_center, NOV, manager), manager)
    # when a visit checked out on 30 November is reported afterwards
    late = services.accrue(
        make_visit(
            partner_center, aircon, done=datetime.datetime(2026, 11, 30, 17, tzinfo=SHANGHAI)
        )
    )
    # then it is settled in December, flagged, and the approved statement is unchanged
    assert (late.month, late.carried_over) == (datetime.date(2026, 12, 1), True)
    november = partner_center.statements.get(month=NOV)
    assert (november.total, november.line_count) == (Decimal("100.00"), 1)


# --- The piece-work page ----------------------------------------------------------------------


@pytest.fixture
def piece_work(center, partner_center, own_tech, partner_tech, aircon):
    piece("35", category=aircon)
    for technician, home in (
        (own_tech, center),
        (own_tech, center),
        (partner_tech, partner_center),
    ):
        services.record_completed(make_visit(home, aircon, technician=technician))


def _rows(response):
    return {
        tr.split('data-technician="')[1].split('"')[0]
        for tr in response.content.decode().split("<tr")[1:]
        if 'data-technician="' in tr
    }


@pytest.mark.parametrize(
    "who, sees",
    [("manager", {"own", "partner"}), ("partner", {"partner"}), ("other_partner", set())],
)
def test_piece_work_per_technician_by_role(
    request, client, piece_work, own_tech, partner_tech, who, sees
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("settlement:piece_work"), {"month": "2026-11"})
    assert response.status_code == 200
    ids = {"own": str(own_tech.pk), "partner": str(partner_tech.pk)}
    assert _rows(response) == {ids[name] for name in sees}


@pytest.mark.parametrize("who", ["agent", "technician", "customer_user"])
def test_others_may_not_open_piece_work(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("settlement:piece_work")).status_code == 403


def test_the_manager_sees_totals_and_exports_the_lines(client, manager, piece_work, own_tech):
    client.force_login(manager)
    response = client.get(reverse("settlement:piece_work"), {"month": "2026-11"})
    assert "105.00" in response.content.decode()  # 35 + 35 + 35
    exported = client.get(
        reverse("settlement:piece_work_export", args=["csv"]), {"month": "2026-11"}
    )
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 3 and lines[1][-1] == "35.00"
    book = client.get(reverse("settlement:piece_work_export", args=["xlsx"]), {"month": "2026-11"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet.max_row == 4


def test_a_bad_month_is_said_plainly(client, manager):
    client.force_login(manager)
    response = client.get(reverse("settlement:piece_work"), {"month": "November"})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()


def test_the_piece_work_page_reads_a_bounded_number_of_queries(
    client, manager, piece_work, center, aircon, django_assert_max_num_queries
):
    for _ in range(10):
        tech = Technician.objects.create(
            user=UserFactory(role="technician", service_center=center), home_center=center
        )
        services.record_completed(make_visit(center, aircon, technician=tech))
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        client.get(reverse("settlement:piece_work"), {"month": "2026-11"})


def test_piece_work_through_the_api(piece_work, manager, partner, own_tech, partner_tech):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(manager)
    rows = client.get("/api/v1/settlement-piece-work/", {"month": "2026-11"}).json()
    assert {(r["technician"], r["visits"], r["total"]) for r in rows} == {
        (own_tech.pk, 2, "70.00"),
        (partner_tech.pk, 1, "35.00"),
    }
    client.force_authenticate(partner)
    rows = client.get("/api/v1/settlement-piece-work/", {"month": "2026-11"}).json()
    assert [r["technician"] for r in rows] == [partner_tech.pk]
    bad = client.get("/api/v1/settlement-piece-work/", {"month": "later"})
    assert bad.status_code == 400
