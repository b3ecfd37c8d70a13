"""Key accounts on hand-made customers (the day is 2026-06-15, Shanghai):

甲公司 (company): units bought 2025-01-01, 2025-07-01, 2026-01-01 (a purchase every 6.0
months); repairs of u1 on 2026-03-01 (resolved, 2 × part at 99.00, charged 100.00, survey
CSAT 2 / NPS 5) and 2026-04-01 (open): u1 failed twice; a complaint on 2026-05-01 (open);
a repair of u2 on 2025-01-10 (survey CSAT 5 / NPS 10, more than a year ago).
Health: 100 − 10 (repeat failure) − 30 (CSAT 2.00) − 10 (complaint) − 10 (cost 198.00
above revenue 100.00) = 40.
乙公司 (company): one unit, never in touch: 85. 张三 (person): two units, one request.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine

from aftersales.care import key_account_selectors as selectors
from aftersales.care.tests.conftest import NOW, _at
from aftersales.customers.models import CustomerKind
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UnitFactory

URL = "/care/key-accounts/"


def test_the_facts_of_a_key_account(book):
    (acme,) = selectors.accounts([book["acme"]], now=NOW)
    assert (acme.units, acme.first_purchase, acme.last_purchase, acme.cycle_months) == (
        3, datetime.date(2025, 1, 1), datetime.date(2026, 1, 1), Decimal("6.0"),
    )  # fmt: skip
    assert (acme.requests_total, acme.requests_open, acme.requests_year) == (4, 2, 3)
    assert (acme.complaints_year, acme.repeat_failure_units) == (1, 1)
    assert (acme.money.parts, acme.money.cost, acme.money.revenue) == (
        Decimal("198.00"), Decimal("198.00"), Decimal("100.00"),
    )  # fmt: skip
    assert (acme.csat, acme.nps, acme.surveys_year) == (Decimal("2.00"), -100, 1)
    assert (acme.last_contact, acme.contacts_year) == (datetime.date(2026, 5, 1), 3)
    assert acme.health.score == 40
    assert [r.code for r in acme.health.reasons] == [
        "repeat_failures", "low_csat", "complaints", "cost_above_revenue",
    ]  # fmt: skip


def test_a_quiet_account(book):
    (quiet,) = selectors.accounts([book["quiet"]], now=NOW)
    assert (quiet.units, quiet.cycle_months, quiet.last_contact) == (1, None, None)
    assert (quiet.health.score, [r.code for r in quiet.health.reasons]) == (85, ["silence"])


def test_satisfaction_by_quarter(book):
    quarters = selectors.satisfaction_by_quarter(book["acme"], now=NOW)
    assert [(q.label, q.answers, q.csat, q.nps) for q in quarters] == [
        ("2025 Q1", 1, Decimal("5.00"), 100),
        ("2026 Q1", 1, Decimal("2.00"), -100),
    ]


def _names(response):
    body = response.content.decode()
    return [name for name in ("甲公司", "乙公司", "张三") if name in body]


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read_key_accounts(client, request, book, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}{book['acme'].pk}/").status_code == status
    assert client.get(f"{URL}export/csv/").status_code == status


@time_machine.travel(NOW, tick=False)
def test_the_list_sorted_and_filtered(client, manager, book):
    client.force_login(manager)
    body = client.get(URL).content.decode()
    assert body.index("甲公司") < body.index("乙公司")  # the least healthy first
    assert "张三" not in body
    body = client.get(URL, {"sort": "-health"}).content.decode()
    assert body.index("乙公司") < body.index("甲公司")
    body = client.get(URL, {"sort": "-cost"}).content.decode()
    assert body.index("甲公司") < body.index("乙公司")
    body = client.get(URL, {"sort": "revenue"}).content.decode()
    assert body.index("乙公司") < body.index("甲公司")
    assert "张三" in client.get(URL, {"kind": "person"}).content.decode()
    assert "甲公司" not in client.get(URL, {"kind": "person"}).content.decode()
    assert "乙公司" in client.get(URL, {"q": "乙"}).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_list_uses_a_bounded_number_of_queries(
    client, manager, book, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(24) as few:
        client.get(URL)
    for n in range(8):
        company = CustomerFactory(kind=CustomerKind.COMPANY, name=f"公司{n}")
        unit = UnitFactory(customer=company)
        ServiceRequestFactory(customer=company, unit=unit, received_at=_at("2026-05-01"))
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL, {"kind": "all"})
    assert "公司7" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_customer_page(client, manager, book):
    client.force_login(manager)
    body = client.get(f"{URL}{book['acme'].pk}/").content.decode()
    assert 'data-score="40"' in body
    assert 'data-reason="low_csat"' in body and 'data-reason="complaints"' in body
    assert "6.0" in body  # months between purchases
    assert 'data-quarter="2026 Q1"' in body
    assert "198.00" in body and "100.00" in body
    rows = client.get(f"{URL}{book['acme'].pk}/", {"format": "csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(rows)))[1:] == [
        ["2025 Q1", "1", "5.00", "100"], ["2026 Q1", "1", "2.00", "-100"],
    ]  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_export(client, manager, book):
    client.force_login(manager)
    response = client.get(f"{URL}export/csv/")
    assert response["Content-Disposition"] == 'attachment; filename="key-accounts.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Customer", "Kind", "Health score"]
    assert [(r[0], r[2], r[5], r[8]) for r in rows[1:]] == [
        ("甲公司", "40", "3", "6.00"), ("乙公司", "85", "1", ""),
    ]  # fmt: skip
    assert client.get(f"{URL}export/xlsx/").status_code == 200
    assert client.get(f"{URL}export/pdf/").status_code == 404


@pytest.mark.parametrize(("who", "shown"), [("manager", True), ("dispatcher", False)])
def test_the_customer_page_links_to_the_key_account(client, request, book, who, shown):
    client.force_login(request.getfixturevalue(who))
    body = client.get(f"/customers/{book['acme'].pk}/").content.decode()
    assert ("data-key-account" in body) is shown
    assert (f'href="{URL}"' in client.get("/", follow=True).content.decode()) is shown


def test_a_customer_that_does_not_exist_is_not_found(client, manager, db):
    client.force_login(manager)
    assert client.get(f"{URL}999999/").status_code == 404
