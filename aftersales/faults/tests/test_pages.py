"""The /faults/ page and its downloads: who may read them, what they show, bounded queries."""

import csv
import io

import pytest
from openpyxl import load_workbook

from aftersales.faults.tests.conftest import PERIOD
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db
URL = "/faults/"


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read_fault_statistics(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}export/codes/csv/").status_code == status


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_the_page_shows_every_table(client, manager, field_data, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(URL, PERIOD)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-sku="SKU-A"' in body and "400.00" in body
    assert body.count("data-flag") == 1  # model A
    assert 'data-code="E1"' in body and "compressor" in body and "P1" in body


def test_the_page_by_batch_with_filters(client, manager, field_data):
    client.force_login(manager)
    query = {**PERIOD, "product": field_data["a"].pk, "group": "batch"}
    body = client.get(URL, query).content.decode()
    assert 'data-batch="2026-01"' in body and 'data-batch="2026-03"' in body
    assert 'data-sku="SKU-B"' not in body and "750.00" in body


def test_bad_filters_are_said_and_the_default_period_shown(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"batch": "March", "date_from": "2026-05-01",
                                "date_to": "2026-04-01"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the month as YYYY-MM" in body
    assert "The period ends before it starts." in body


def test_exports_in_csv(client, manager, field_data):
    client.force_login(manager)
    response = client.get(f"{URL}export/codes/csv/", PERIOD)
    assert response["Content-Disposition"] == (
        'attachment; filename="faults-codes-20260101-20260630.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Fault code"
    assert rows[1] == ["E1", rows[1][1], "compressor", "Hardware fault", "4", "50.00", "50.00"]
    assert rows[-1][-1] == "100.00"
    rates = client.get(f"{URL}export/batches/csv/", PERIOD).content.decode("utf-8-sig")
    assert "SKU-A,Model A,2026-01,4,3,2,750.00,2,50.00," in rates


@pytest.mark.parametrize("table", ["codes", "components", "parts", "rates", "batches"])
def test_every_table_exports_to_excel(client, manager, field_data, table):
    client.force_login(manager)
    response = client.get(f"{URL}export/{table}/xlsx/", PERIOD)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row > 1


def test_unknown_tables_and_formats_are_not_found(client, manager):
    client.force_login(manager)
    assert client.get(f"{URL}export/codes/pdf/").status_code == 404
    assert client.get(f"{URL}export/secrets/csv/").status_code == 404


@pytest.mark.parametrize(("who", "shown"), [("manager", True), ("agent", True),
                                            ("dispatcher", False)])  # fmt: skip
def test_the_menu_offers_the_page_to_its_readers(client, request, who, shown):
    client.force_login(request.getfixturevalue(who))
    assert ('href="/faults/"' in client.get("/", follow=True).content.decode()) is shown


def test_the_tables_are_kept_a_few_minutes_and_computed_again_on_request(
    client, manager, field_data, settings
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ANALYTICS_FIGURES_SECONDS = 300
    cache.clear()
    client.force_login(manager)

    def view(**extra):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {**PERIOD, **extra})
        return response.content.decode(), len(captured)

    first, computed = view()
    assert "Figures as of" in first and 'data-code="E1"' in first
    # Every request cancelled since: cancelled requests are no failures.
    ServiceRequest.objects.update(status="cancelled")
    again, kept = view()
    assert kept < computed and 'data-code="E1"' in again
    # "Compute again" reads the change.
    fresh, recomputed = view(refresh="1")
    assert recomputed > kept and 'data-code="E1"' not in fresh
    cache.clear()
