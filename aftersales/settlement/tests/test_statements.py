"""The monthly statement: totals, rebuilding a draft, approval freezes it, exports."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.settlement import exports, services
from aftersales.settlement.models import StatementStatus
from aftersales.settlement.tests.conftest import NOV, SHANGHAI, make_rate, make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(partner_center, other_center, partner_tech, aircon, washer):
    """Three November visits at the partner (one without a rate), one in October, one at
    another partner."""
    make_rate("100", center=partner_center, category=aircon)
    make_rate("80", category=aircon)
    visits = [
        make_visit(partner_center, aircon, technician=partner_tech),
        make_visit(partner_center, aircon, technician=partner_tech,
                   done=datetime.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI)),
        make_visit(partner_center, washer),
        make_visit(partner_center, aircon, done=datetime.datetime(2026, 10, 30, tzinfo=SHANGHAI)),
        make_visit(other_center, aircon),
    ]  # fmt: skip
    for visit in visits:
        services.accrue(visit)
    return visits


@pytest.fixture(autouse=True)
def _december(settings, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: (
            datetime.date(2026, 12, 5) if value is None else value.astimezone(SHANGHAI).date()
        )
    )  # fmt: skip


def test_the_statement_totals_the_months_accruals(manager, partner_center, november):
    statement = services.build_statement(partner_center, NOV, manager)
    assert statement.status == StatementStatus.DRAFT
    assert (statement.total, statement.line_count, statement.no_rate_count) == (
        Decimal("200.00"), 3, 1,
    )  # fmt: skip
    assert statement.built_by == manager


def test_rebuilding_a_draft_refreshes_it(manager, partner_center, november, aircon):
    first = services.build_statement(partner_center, NOV, manager)
    services.accrue(make_visit(partner_center, aircon))
    again = services.build_statement(partner_center, NOV, manager)
    assert again.pk == first.pk
    assert (again.total, again.line_count) == (Decimal("300.00"), 4)


def test_approval_freezes_the_statement(manager, admin_user, partner_center, november, aircon):
    statement = services.build_statement(partner_center, NOV, manager)
    services.approve(statement, admin_user)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    assert statement.approved_by == admin_user and statement.approved_at
    # a later visit of the month does not change the approved statement
    services.accrue(make_visit(partner_center, aircon))
    with pytest.raises(Conflict):
        services.build_statement(partner_center, NOV, manager)
    with pytest.raises(Conflict):
        services.approve(statement, manager)
    statement.refresh_from_db()
    assert (statement.total, statement.line_count) == (Decimal("200.00"), 3)


def test_partner_staff_and_agents_cannot_build_or_approve(
    manager, partner, agent, partner_center, november
):
    statement = services.build_statement(partner_center, NOV, manager)
    for user in (partner, agent):
        with pytest.raises(NotAllowed):
            services.build_statement(partner_center, NOV, user)
        with pytest.raises(NotAllowed):
            services.approve(statement, user)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DRAFT


def test_statements_are_for_partner_centers_and_past_months(manager, center, partner_center):
    with pytest.raises(DomainError, match="partner"):
        services.build_statement(center, NOV, manager)
    with pytest.raises(DomainError, match="not begun"):
        services.build_statement(partner_center, datetime.date(2027, 1, 1), manager)


def test_a_draft_cannot_be_exported(manager, partner_center, november):
    statement = services.build_statement(partner_center, NOV, manager)
    with pytest.raises(DomainError, match="Approve"):
        services.mark_exported(statement, manager)


def test_exports_list_the_visit_lines(manager, partner, partner_center, november):
    statement = services.approve(services.build_statement(partner_center, NOV, manager), manager)
    # partner staff may download without moving the status
    services.mark_exported(statement, partner)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    services.mark_exported(statement, manager)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.EXPORTED and statement.exported_by == manager

    first = november[1]  # checked out on 3 November: the first line
    rows = list(csv.reader(io.StringIO(exports.to_csv(statement).decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Date", "Request number", "Customer", "Product", "Job kind", "Technician", "Amount (CNY)",
    ]  # fmt: skip
    assert rows[1][:7] == [
        "2026-11-03", first.request.number, str(first.request.customer),
        str(first.request.unit.product), "Repair", str(first.technician.user), "100.00",
    ]  # fmt: skip
    assert len(rows) == 5 and rows[-1][5:7] == ["Total", "200.00"]

    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(statement)))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "Date"
    assert values[2][0].date() == datetime.date(2026, 11, 3)
    assert values[2][1] == first.request.number
    assert sum(Decimal(str(row[6])) for row in values[2:5]) == Decimal("200")
    assert values[-1][5:7] == ("Total", 200)
