"""Tables download as CSV that Excel opens in Chinese, and as real Excel workbooks."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from aftersales.core.exports import table_response

HEADERS = ["单号", "日期", "时间", "金额", "备注"]
ROWS = [
    [
        "SR-2026-000001",
        datetime.date(2026, 11, 2),
        datetime.datetime(2026, 11, 2, 1, 30, tzinfo=ZoneInfo("UTC")),
        Decimal("12.5"),
        None,
    ]
]


def test_csv_has_a_byte_order_mark_and_local_times(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    response = table_response("stock", "csv", HEADERS, ROWS)
    assert response["Content-Disposition"] == 'attachment; filename="stock.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff单号,日期")
    assert "SR-2026-000001,2026-11-02,2026-11-02 09:30,12.50," in text


def test_xlsx_keeps_dates_and_numbers_as_such(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    response = table_response("stock", "xlsx", HEADERS, ROWS)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    number, day, moment, amount, note = (c.value for c in sheet[2])
    assert day == datetime.datetime(2026, 11, 2)
    assert moment == datetime.datetime(2026, 11, 2, 9, 30)
    assert amount == 12.5 and note is None


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        table_response("stock", "pdf", HEADERS, ROWS)
