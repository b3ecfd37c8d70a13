"""The monthly quality report's PDF, drawn from hand-made figures (no database)."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation
from pypdf import PdfReader

from aftersales.analytics import kpis, reports, reports_pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def figures(**changes) -> reports.MonthFigures:
    def line(name, value, previous, count, change="", verdict=""):
        definition = kpis.KPIS[name]
        return reports.KpiLine(
            name, definition.label, definition.unit, value, previous, count, change, verdict
        )

    values = {
        "center_id": 1,
        "center_name": "杭州授权网点",
        "center_code": "SC-HZ",
        "center_kind": "Authorised partner",
        "month": datetime.date(2026, 11, 1),
        "previous": datetime.date(2026, 10, 1),
        "kpis": [
            line("opened", 12, 9, 12, "up"),
            line("backlog", 4, 6, 4, "down", "better"),
            line("sla_resolution", Decimal("75.0"), Decimal("90.0"), 8, "down", "worse"),
            line("csat", None, Decimal("4.2"), 0),
        ],
        "trend": [{"bucket": datetime.date(2026, 11, 2), "opened": 5, "resolved": 3}],
        "technician_kpis": ["resolved", "first_time_fix", "sla_onsite", "repeat_30", "csat"],
        "technicians": [
            {"name": "李师傅", "values": [7, Decimal("85.7"), None, Decimal("0.0"), Decimal("4.5")]}
        ],
        "missed": {"sla_response": 1, "sla_resolution": 2, "sla_onsite": 0},
        "missed_requests": [
            reports.MissedRequest(
                "SR-2026-000777",
                "洗衣机漏水",
                datetime.datetime(2026, 11, 3, 9, 30, tzinfo=SHANGHAI),
                ["sla_resolution"],
            )
        ],
        "complaint_count": 1,
        "complaints": [
            reports.ComplaintLine(
                "SR-2026-000790",
                "SR-2026-000777",
                "Major",
                datetime.datetime(2026, 11, 9, 14, 0, tzinfo=SHANGHAI),
            )
        ],
    }
    values.update(changes)
    return reports.MonthFigures(**values)


def test_the_report_is_an_a4_pdf_with_title_center_month_and_time():
    generated = datetime.datetime(2026, 12, 1, 6, 5, tzinfo=SHANGHAI)
    with translation.override("en"):
        content = reports_pdf.render(figures(), generated_at=generated)

    assert content.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
    text = text_of(content)
    for expected in (
        "Service quality report",
        "杭州授权网点",
        "SC-HZ",
        "2026-11",
        "2026-10",  # the month compared with
        "Generated 2026-12-01 06:05",
    ):
        assert expected in text


def test_the_figures_with_arrows_trend_technicians_and_worst_items():
    with translation.override("en"):
        text = text_of(reports_pdf.render(figures()))

    for expected in (
        "Requests opened",
        "Backlog",
        "75.0%",
        "90.0%",
        "4.2 / 5",  # last month's CSAT beside this month's none
        "↑",
        "↓",
        "2026-11-02",  # week by week
        "李师傅",
        "85.7%",
        "1 missed",
        "2 missed",
        "SR-2026-000777",
        "洗衣机漏水",
        "2026-11-03 09:30",
        "SR-2026-000790",
        "Major",
    ):
        assert expected in text, expected


def test_the_report_reads_in_chinese():
    with translation.override("zh-hans"):
        backlog = str(kpis.KPIS["backlog"].label)
        text = text_of(reports_pdf.render(figures()))

    assert backlog != "Backlog"  # the label is translated…
    assert backlog in text  # …and its Chinese glyphs survive into the PDF
    assert "杭州授权网点" in text


def test_an_empty_month_still_makes_a_report():
    quiet = figures(
        trend=[],
        technicians=[],
        missed={"sla_response": 0, "sla_resolution": 0, "sla_onsite": 0},
        missed_requests=[],
        complaint_count=0,
        complaints=[],
    )
    with translation.override("en"):
        text = text_of(reports_pdf.render(quiet))

    assert "No requests this month." in text
    assert "No technicians are based at this center." in text
    assert "SR-2026-000777" not in text
