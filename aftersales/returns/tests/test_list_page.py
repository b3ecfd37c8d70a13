"""The RMA list page: who may open it, filters, sorting, CSV and Excel, bounded queries."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from aftersales.returns import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(agent, faulty_request, partner_center, other_center):
    ours = services.authorise(agent, faulty_request(5, center=partner_center), kind="refund")
    theirs = services.authorise(agent, faulty_request(10, center=other_center), kind="exchange")
    return ours, theirs


# role: (list, own center's detail, other center's detail, start a return, deduction table)
ACCESS = {
    "admin": (200, 200, 200, 302, 200),
    "manager": (200, 200, 200, 302, 200),
    "agent": (200, 200, 200, 302, 200),
    "dispatcher": (200, 200, 200, 403, 403),
    "technician": (403, 403, 403, 403, 403),
    "partner": (200, 200, 404, 403, 403),
    "customer": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_page_access_per_role(client, users, returns, faulty_request, partner_center, role):
    lists, own, other, start, table = ACCESS[role]
    ours, theirs = returns
    client.force_login(users[role])
    assert client.get(reverse("returns:list")).status_code == lists
    assert client.get(reverse("returns:detail", args=[ours.number])).status_code == own
    assert client.get(reverse("returns:detail", args=[theirs.number])).status_code == other
    request = faulty_request(3, center=partner_center)
    url = reverse("returns:start", args=[request.number])
    assert client.post(url, {"kind": "refund"}).status_code == start
    assert client.get(reverse("returns:deductions")).status_code == table


def test_partner_staff_see_their_centers_returns_without_step_forms(client, partner, returns):
    ours, theirs = returns
    client.force_login(partner)
    page = client.get(reverse("returns:list")).content.decode()
    assert ours.number in page and theirs.number not in page
    detail = client.get(reverse("returns:detail", args=[ours.number])).content.decode()
    assert 'id="step-receive"' not in detail
    url = reverse("returns:step", args=[ours.number, "receive"])
    assert client.post(url, {"condition": "good"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("returns:list"))
    assert response.status_code == 302 and "login" in response.url


def test_filters_and_sorting(client, agent, returns):
    ours, theirs = returns
    client.force_login(agent)
    url = reverse("returns:list")

    def numbers(**params):
        page = client.get(url, params).content.decode()
        return [n for n in (ours.number, theirs.number) if f'data-rma="{n}"' in page]

    assert numbers(kind="exchange") == [theirs.number]
    assert numbers(status="authorised") == [ours.number, theirs.number]
    assert numbers(status="closed") == []
    assert numbers(q=ours.unit.serial_number.lower()) == [ours.number]
    assert numbers(q=theirs.request.number) == [theirs.number]
    assert numbers(customer="王") == [ours.number, theirs.number]
    assert numbers(customer="13800138000") == [ours.number, theirs.number]
    assert numbers(created_from="2000-01-01", created_to="2000-12-31") == []
    page = client.get(url, {"sort": "created"}).content.decode()
    assert page.index(f'data-rma="{ours.number}"') < page.index(f'data-rma="{theirs.number}"')
    page = client.get(url, {"sort": "-created"}).content.decode()
    assert page.index(f'data-rma="{theirs.number}"') < page.index(f'data-rma="{ours.number}"')


def test_the_list_exports_to_csv_and_excel_with_its_filters(client, agent, returns):
    ours, theirs = returns
    client.force_login(agent)
    response = client.get(reverse("returns:export", args=["csv"]), {"kind": "refund"})
    assert response["Content-Disposition"] == 'attachment; filename="returns.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "RMA number" and len(rows) == 2
    assert rows[1][0] == ours.number and rows[1][3] == "王小明"
    response = client.get(reverse("returns:export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert {sheet.cell(row=r, column=1).value for r in (2, 3)} == {ours.number, theirs.number}
    assert client.get(reverse("returns:export", args=["pdf"])).status_code == 404


def test_the_list_and_export_are_bounded_in_queries(client, agent, faulty_request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.authorise(agent, faulty_request(1), kind="refund")
    one = [queries(reverse("returns:list")), queries(reverse("returns:export", args=["xlsx"]))]
    for days in range(2, 8):
        services.authorise(agent, faulty_request(days), kind="refund")
    seven = [queries(reverse("returns:list")), queries(reverse("returns:export", args=["xlsx"]))]
    assert seven == one
    assert max(one) <= 12
