"""A statement's visit lines as CSV and Excel (openpyxl)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from aftersales.settlement.selectors import statement_lines


def headers() -> list[str]:
    return [
        _("Date"),
        _("Request number"),
        _("Customer"),
        _("Product"),
        _("Job kind"),
        _("Technician"),
        _("Amount (CNY)"),
        _("No rate"),
    ]


def rows(statement):
    """(date, number, customer, product, kind, technician, amount, no rate) per line."""
    for line in statement_lines(statement):
        visit, request = line.visit, line.visit.request
        unit = request.unit
        done = visit.checked_out_at or line.accrued_at
        yield [
            timezone.localdate(done),
            request.number,
            str(request.customer),
            str(unit.product) if unit else "",
            line.get_kind_display(),
            str(line.technician.user) if line.technician else "",
            line.amount,
            _("yes") if line.no_rate else "",
        ]


def filename(statement, extension: str) -> str:
    return f"settlement-{statement.center.code}-{statement.month:%Y-%m}.{extension}"


def to_csv(statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows(statement):
        writer.writerow([row[0].isoformat(), *row[1:6], f"{row[6]:.2f}", row[7]])
    writer.writerow(["", "", "", "", "", _("Total"), f"{statement.total:.2f}", ""])
    # A byte-order mark so that Excel opens the Chinese names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(statement) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.month:%Y-%m}"
    sheet.append([str(statement.center), statement.center.code, f"{statement.month:%Y-%m}"])
    sheet.append(headers())
    for row in rows(statement):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=7).number_format = "0.00"
    sheet.append(["", "", "", "", "", _("Total"), statement.total])
    sheet.cell(row=sheet.max_row, column=7).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def piece_headers() -> list[str]:
    return [
        _("Technician"),
        _("Service center"),
        _("Date"),
        _("Request number"),
        _("Customer"),
        _("Product"),
        _("Job kind"),
        _("Amount (CNY)"),
    ]


def piece_rows(lines):
    """One row per visit paid at a piece rate (see `selectors.piece_lines`)."""
    for line in lines:
        request = line.visit.request
        unit = request.unit
        yield [
            str(line.technician.user),
            str(line.technician.home_center),
            timezone.localdate(line.visit.checked_out_at or line.accrued_at),
            request.number,
            str(request.customer),
            str(unit.product) if unit else "",
            line.get_kind_display(),
            line.amount,
        ]
