"""/faults/requests/: the requests behind each number of /faults/, reached by its links.
A user clicks a count and expects as many rows as the count said."""

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from aftersales.faults import views
from aftersales.faults.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db
URL = "/faults/requests/"
LINK = re.compile(r'<a href="([^"]+)" data-(requests|failures|early)>(\d+)</a>')


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', body)


def _links(body: str) -> list[tuple[str, str, int]]:
    return [(html.unescape(url), kind, int(n)) for url, kind, n in LINK.findall(body)]


@pytest.mark.parametrize("group", ["", "batch"])
def test_every_count_on_the_page_opens_as_many_requests(client, manager, field_data, group):
    client.force_login(manager)
    body = client.get("/faults/", {**PERIOD, "group": group}).content.decode()
    links = _links(body)
    # 4 codes, 3 components, 2 parts, 2 models or 3 batches with failures and early ones.
    assert len(links) == 4 + 3 + 2 + 2 * (3 if group else 2)
    for url, _kind, number in links:
        assert url.startswith(URL)
        assert len(_rows(client.get(url).content.decode())) == number, url


def test_the_chart_bars_link_to_the_same_lists(client, manager, field_data):
    client.force_login(manager)
    body = client.get("/faults/", PERIOD).content.decode()
    bars = re.findall(r'<a href="([^"]+)" class="pareto-bar" data-key="[^"]*" '
                      r'data-count="(\d+)"', body)  # fmt: skip
    assert len(bars) == 4 + 3 + 2
    table = {url for url, _kind, _n in _links(body)}
    assert {html.unescape(url) for url, _n in bars} <= table
    assert body.count('class="rate-bar') == 2 and body.count("rate-flagged") == 1


def test_a_fault_codes_requests(client, manager, field_data):
    client.force_login(manager)
    response = client.get(URL, {**PERIOD, "code": field_data["codes"]["E1"].pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fault code E1" in body and "4 requests received from 2026-01-01 to 2026-06-30" in body
    numbers = _rows(body)
    assert len(numbers) == 4
    assert all(f'href="/requests/{n}/"' in body for n in numbers)  # each to its page


def test_the_blank_component_is_a_row_of_its_own(client, manager, field_data):
    client.force_login(manager)
    body = client.get(URL, {**PERIOD, "component": ""}).content.decode()
    assert "Fault codes without a component" in body and len(_rows(body)) == 1
    assert len(_rows(client.get(URL, PERIOD).content.decode())) == 6  # all failures


def test_a_batchs_early_failures(client, manager, field_data):
    client.force_login(manager)
    query = {**PERIOD, "product": field_data["a"].pk, "batch": "2026-01", "early": "1"}
    body = client.get(URL, query).content.decode()
    assert "Early failures" in body and "batch 2026-01" in body
    assert len(_rows(body)) == 2


def test_sorted_by_received(client, manager, field_data):
    client.force_login(manager)
    newest = _rows(client.get(URL, PERIOD).content.decode())
    oldest = _rows(client.get(URL, {**PERIOD, "sort": "received"}).content.decode())
    assert oldest == newest[::-1]
    assert _rows(client.get(URL, {**PERIOD, "sort": "nonsense"}).content.decode()) == newest


def test_pages_of_the_list(client, manager, field_data, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(manager)
    first = client.get(URL, PERIOD).content.decode()
    second = client.get(URL, {**PERIOD, "page": 2}).content.decode()
    assert len(_rows(first)) == 4 and len(_rows(second)) == 2
    assert "6 requests" in first and "Page 1 of 2" in first


def test_bounded_queries_whatever_the_page_size(client, manager, field_data,
                                                django_assert_max_num_queries):  # fmt: skip
    client.force_login(manager)
    query = {**PERIOD, "product": field_data["a"].pk, "code": field_data["codes"]["E1"].pk}
    # session, user, product, code, count, rows, their fault codes (+ menu badges)
    with django_assert_max_num_queries(12):
        response = client.get(URL, query)
    assert len(_rows(response.content.decode())) == 3


def test_export_to_csv_and_excel(client, manager, field_data):
    client.force_login(manager)
    query = {**PERIOD, "component": "compressor", "sort": "received"}
    response = client.get(URL, {**query, "format": "csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="faults-requests-20260101-20260630.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Received", "Status"]
    assert len(rows) == 1 + 5
    assert rows[1][1].startswith("2026-02-01") and rows[1][3] == "SKU-A"
    assert rows[1][8] == "E1 E3"
    sheet = load_workbook(io.BytesIO(client.get(URL, {**query, "format": "xlsx"}).content)).active
    assert sheet.max_row == 1 + 5


@pytest.mark.parametrize(
    ("query", "said"),
    [({"code": "999999"}, "Fault code: Select a valid choice"),
     ({"component": "board", "code": "E1"}, "Open one number"),
     ({"batch": "March"}, "Enter the month as YYYY-MM"),
     ({"early": "1", "component": "board"}, "go with a model"),
     ({"purchase_unknown": "1", "batch": "2026-01"}, "leave it out here")],
)  # fmt: skip
def test_parameters_that_name_no_number_list_nothing(client, manager, field_data, query, said):
    if query.get("code") == "E1":
        query = {**query, "code": field_data["codes"]["E1"].pk}
    client.force_login(manager)
    response = client.get(URL, {**PERIOD, **query})
    body = response.content.decode()
    assert response.status_code == 200
    assert "do not name a number" in body and said in body and _rows(body) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read_the_requests_behind_a_number(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.get(URL, {"format": "csv"}).status_code == status


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
