"""Tables as downloads: CSV (with a byte-order mark, so Excel reads Chinese as UTF-8) and
Excel (openpyxl). Lists build `headers` and `rows` once and call `table_response`.

Cells may be text, numbers, Decimals, dates and datetimes (aware ones are written in local
time); None is an empty cell.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text(value) -> str:
    value = _local(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = title[:31]  # Excel's limit
    sheet.append([str(h) for h in headers])
    for row in rows:
        cells = [_local(cell) for cell in row]
        sheet.append(
            [
                c if isinstance(c, (int, float, Decimal, datetime.date)) or c is None else str(c)
                for c in cells
            ]
        )
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, datetime.datetime):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell, datetime.date):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd"
            elif isinstance(cell, Decimal):
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(name: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A download of the table as `<name>.<fmt>` (fmt: "csv" or "xlsx"); ValueError else."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    body = to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, title=name)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
