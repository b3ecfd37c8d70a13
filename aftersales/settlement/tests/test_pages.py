"""The settlement pages: who may open and do what, filters, exports and bounded queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from aftersales.settlement import services
from aftersales.settlement.models import FeeRate, Statement, StatementStatus
from aftersales.settlement.tests.conftest import NOV, make_rate, make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(manager, partner_center, other_center, partner_tech, aircon):
    """A November statement for the partner (two lines) and one for the other partner."""
    make_rate("100", category=aircon)
    for center in (partner_center, partner_center, other_center):
        services.accrue(make_visit(center, aircon, technician=partner_tech))
    return (
        services.build_statement(partner_center, NOV, manager),
        services.build_statement(other_center, NOV, manager),
    )


# role: (lists, own center's statement, other center's statement, rate create, approve)
ACCESS = {
    "admin": (200, 200, 200, 200, 302),
    "manager": (200, 200, 200, 200, 302),
    "agent": (403, 403, 403, 403, 403),
    "dispatcher": (403, 403, 403, 403, 403),
    "technician": (403, 403, 403, 403, 403),
    "partner": (200, 200, 404, 403, 403),
    "customer": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_page_access_per_role(client, users, statements, role):
    lists, own, other, create, approve = ACCESS[role]
    mine, theirs = statements
    client.force_login(users[role])
    for url in (reverse("settlement:statement_list"), reverse("settlement:rate_list")):
        assert client.get(url).status_code == lists, url
    assert client.get(reverse("settlement:statement_detail", args=[mine.pk])).status_code == own
    detail = reverse("settlement:statement_detail", args=[theirs.pk])
    assert client.get(detail).status_code == other
    assert client.get(reverse("settlement:rate_create")).status_code == create
    response = client.post(reverse("settlement:statement_approve", args=[mine.pk]))
    assert response.status_code == approve
    mine.refresh_from_db()
    assert mine.status == (StatementStatus.APPROVED if approve == 302 else StatementStatus.DRAFT)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("settlement:statement_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_partner_staff_see_only_their_centers_statements(client, partner, statements):
    client.force_login(partner)
    page = client.get(reverse("settlement:statement_list")).content.decode()
    assert 'data-statement="SC-PARTNER-2026-11"' in page
    assert 'data-statement="SC-OTHER-2026-11"' not in page
    assert 'id="build"' not in page


def test_the_list_filters_by_center_month_and_status(client, manager, statements, other_center):
    client.force_login(manager)
    url = reverse("settlement:statement_list")
    page = client.get(url, {"center": other_center.pk}).content.decode()
    assert 'data-statement="SC-OTHER-2026-11"' in page
    assert 'data-statement="SC-PARTNER-2026-11"' not in page
    page = client.get(url, {"month": "2026-10"}).content.decode()
    assert "data-statement=" not in page
    page = client.get(url, {"month": "2026-11", "status": "draft"}).content.decode()
    assert page.count("data-statement=") == 2


def test_a_manager_builds_approves_and_exports(client, manager, partner_center, statements):
    mine, _ = statements
    client.force_login(manager)
    # building again from the form refreshes the same draft
    response = client.post(
        reverse("settlement:statement_build"), {"center": partner_center.pk, "month": "2026-11"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{mine.pk}/")
    detail = client.get(reverse("settlement:statement_detail", args=[mine.pk])).content.decode()
    assert detail.count("data-request=") == 2
    # a draft cannot be exported
    response = client.post(reverse("settlement:statement_export", args=[mine.pk, "csv"]))
    assert response.status_code == 302
    client.post(reverse("settlement:statement_approve", args=[mine.pk]))
    response = client.post(reverse("settlement:statement_export", args=[mine.pk, "csv"]))
    assert response.status_code == 200
    assert 'filename="settlement-SC-PARTNER-2026-11.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[-1][6] == "200.00"
    response = client.post(reverse("settlement:statement_export", args=[mine.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 5
    mine.refresh_from_db()
    assert mine.status == StatementStatus.EXPORTED


def test_a_bad_month_is_refused_and_nothing_is_built(client, manager, partner_center):
    client.force_login(manager)
    response = client.post(
        reverse("settlement:statement_build"), {"center": partner_center.pk, "month": "November"}
    )
    assert response.status_code == 302
    assert not Statement.objects.exists()


def test_partner_staff_download_an_approved_statement(client, manager, partner, statements):
    mine, _ = statements
    services.approve(mine, manager)
    client.force_login(partner)
    response = client.post(reverse("settlement:statement_export", args=[mine.pk, "xlsx"]))
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == StatementStatus.APPROVED


def test_a_manager_adds_and_edits_a_rate(client, manager, partner_center, aircon):
    client.force_login(manager)
    data = {
        "payee": "center",
        "center": partner_center.pk,
        "kind": "repair",
        "category": aircon.pk,
        "amount": "88.00",
        "valid_from": "2026-01-01",
    }
    assert client.post(reverse("settlement:rate_create"), data).status_code == 302
    rate = FeeRate.objects.get()
    # an overlapping rate is refused with the reason on the form, and nothing is saved
    response = client.post(reverse("settlement:rate_create"), data)
    assert response.status_code == 400 and "same period" in response.content.decode()
    data["amount"] = "90.00"
    assert client.post(reverse("settlement:rate_edit", args=[rate.pk]), data).status_code == 302
    rate.refresh_from_db()
    assert str(rate.amount) == "90.00" and FeeRate.objects.count() == 1


def test_partner_staff_see_the_default_rates_and_their_own(
    client, partner, partner_center, other_center
):
    mine, default, theirs = (
        make_rate("1", center=partner_center), make_rate("2"), make_rate("3", center=other_center)
    )  # fmt: skip
    client.force_login(partner)
    page = client.get(reverse("settlement:rate_list")).content.decode()
    for rate, shown in ((mine, True), (default, True), (theirs, False)):
        assert (f'data-rate="{rate.pk}"' in page) is shown


def test_lists_use_a_bounded_number_of_queries(
    client, manager, partner_center, partner_tech, aircon, django_assert_max_num_queries
):
    make_rate("100", category=aircon)
    for n in range(6):
        services.accrue(make_visit(partner_center, aircon, technician=partner_tech))
        year = 2020 + n
        make_rate(
            str(n),
            kind="installation",
            center=partner_center,
            valid_from=datetime.date(year, 1, 1),
            valid_to=datetime.date(year, 12, 31),
        )
    statement = services.build_statement(partner_center, NOV, manager)
    for month in ("2026-01-01", "2026-02-01", "2026-03-01"):
        services.build_statement(partner_center, datetime.date.fromisoformat(month), manager)
    services.approve(statement, manager)
    client.force_login(manager)
    for url in (
        reverse("settlement:statement_list"),
        reverse("settlement:rate_list"),
        reverse("settlement:statement_detail", args=[statement.pk]),
    ):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        client.post(reverse("settlement:statement_export", args=[statement.pk, "xlsx"]))


def test_partner_staff_get_no_approve_button(client, partner, statements):
    mine, _ = statements
    client.force_login(partner)
    page = client.get(reverse("settlement:statement_detail", args=[mine.pk])).content.decode()
    assert reverse("settlement:statement_approve", args=[mine.pk]) not in page
