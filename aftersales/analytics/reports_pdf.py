"""The monthly quality report as PDF: `render(figures)` draws `reports.MonthFigures`.

A4, in the active language, with reportlab's built-in CID font STSong-Light like the
service form (`service/pdf.py`), so Chinese prints without a font file. Arrows say
whether a figure rose or fell against the month before; green is better, red worse.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from aftersales.analytics import kpis, reports
from aftersales.service.pdf import SEP, WIDTH, _grid, _heading, _p, a4_pdf

ARROWS = {reports.UP: "↑", reports.DOWN: "↓", reports.SAME: "="}
VERDICT_COLOURS = {
    reports.BETTER: colors.HexColor("#15803d"),
    reports.WORSE: colors.HexColor("#b91c1c"),
}


def month_label(month) -> str:
    return month.strftime("%Y-%m")


def value_text(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value}%"
    if unit == "h":
        return f"{value} h"
    if unit == "/5":
        return f"{value} / 5"
    if unit:
        return f"{value} {unit}"
    return str(value)


def _header(figures: reports.MonthFigures, generated_at) -> list:
    name = getattr(settings, "SERVICE_NAME", "") or "aftersales"
    left = [
        _p(name, "company"),
        _p(f"{figures.center_name} ({figures.center_code}){SEP}{figures.center_kind}", "small"),
    ]
    right = [
        _p(_("Service quality report"), "title"),
        _p(month_label(figures.month), "right"),
    ]
    table = Table([[left, right]], colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    facts = _p(
        _("%(center)s, %(month)s (compared with %(previous)s). Generated %(when)s.")
        % {
            "center": figures.center_name,
            "month": month_label(figures.month),
            "previous": month_label(figures.previous),
            "when": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        },
        "small",
    )
    return [table, Spacer(1, 3), facts, Spacer(1, 2)]


def _kpi_table(figures: reports.MonthFigures) -> list:
    rows = [
        [
            _p(_("Figure"), "label"),
            _p(month_label(figures.month), "label"),
            _p(month_label(figures.previous), "label"),
            _p(_("Change"), "label"),
            _p(_("Counted"), "label"),
        ]
    ]
    style = []
    for i, line in enumerate(figures.kpis, start=1):
        arrow = ARROWS.get(line.change, "")
        rows.append(
            [
                _p(line.label),
                _p(value_text(line.value, line.unit), "right"),
                _p(value_text(line.previous, line.unit), "right"),
                arrow or "—",
                _p(line.count, "right"),
            ]
        )
        colour = VERDICT_COLOURS.get(line.verdict)
        if colour is not None:
            style.append(("TEXTCOLOR", (3, i), (3, i), colour))
    table = _grid(
        rows,
        [WIDTH * 0.42, WIDTH * 0.16, WIDTH * 0.16, WIDTH * 0.1, WIDTH * 0.16],
        header=True,
        label_columns=(),
    )
    table.setStyle(TableStyle([("ALIGN", (3, 0), (3, -1), "CENTER"), *style]))
    note = _p(
        _("↑ rose, ↓ fell, = unchanged against the month before; green is better, red worse."),
        "small",
    )
    return [_heading(_("Figures of the month")), table, Spacer(1, 2), note]


def _trend(figures: reports.MonthFigures) -> list:
    rows = [[_p(_("Week of"), "label"), _p(_("Opened"), "label"), _p(_("Resolved"), "label")]]
    for week in figures.trend:
        rows.append(
            [
                _p(week["bucket"].isoformat()),
                _p(week["opened"], "right"),
                _p(week["resolved"], "right"),
            ]
        )
    empty = len(rows) == 1
    if empty:
        rows.append([_p(_("No requests this month.")), "", ""])
    table = _grid(rows, [WIDTH * 0.4, WIDTH * 0.3, WIDTH * 0.3], header=True, label_columns=())
    if empty:
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return [_heading(_("Week by week")), table]


def _technicians(figures: reports.MonthFigures) -> list:
    labels = [kpis.KPIS[name] for name in figures.technician_kpis]
    rows = [[_p(_("Technician"), "label"), *(_p(d.label, "label") for d in labels)]]
    for row in figures.technicians:
        rows.append(
            [
                _p(row["name"]),
                *(
                    _p(value_text(v, d.unit), "right")
                    for v, d in zip(row["values"], labels, strict=True)
                ),
            ]
        )
    empty = len(rows) == 1
    if empty:
        rows.append([_p(_("No technicians are based at this center.")), *[""] * len(labels)])
    first = WIDTH * 0.25
    rest = (WIDTH - first) / len(labels)
    table = _grid(rows, [first, *[rest] * len(labels)], header=True, label_columns=())
    if empty:
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return [_heading(_("Technicians")), table]


def _worst(figures: reports.MonthFigures) -> list:
    labels = {name: str(kpis.KPIS[name].label) for name in reports.DEADLINES}
    counts = [
        [_p(labels[name], "label"), _p(_("%(n)s missed") % {"n": figures.missed[name]})]
        for name in reports.DEADLINES
    ]
    counts.append(
        [_p(_("Complaints"), "label"), _p(_("%(n)s received") % {"n": figures.complaint_count})]
    )
    story = [
        _heading(_("Where service fell short")),
        _grid(counts, [WIDTH * 0.42, WIDTH * 0.58]),
    ]
    if figures.missed_requests:
        rows = [
            [
                _p(_("Request"), "label"),
                _p(_("Subject"), "label"),
                _p(_("Received"), "label"),
                _p(_("Missed"), "label"),
            ]
        ]
        for item in figures.missed_requests:
            rows.append(
                [
                    _p(item.number),
                    _p(item.subject),
                    _p(timezone.localtime(item.received_at).strftime("%Y-%m-%d %H:%M")),
                    _p(", ".join(labels[name] for name in item.missed)),
                ]
            )
        story += [
            Spacer(1, 3),
            _p(_("Requests that missed a deadline"), "label"),
            _grid(
                rows,
                [WIDTH * 0.2, WIDTH * 0.35, WIDTH * 0.17, WIDTH * 0.28],
                header=True,
                label_columns=(),
            ),
        ]
    if figures.complaints:
        rows = [
            [
                _p(_("Complaint"), "label"),
                _p(_("About request"), "label"),
                _p(_("Severity"), "label"),
                _p(_("Received"), "label"),
            ]
        ]
        for item in figures.complaints:
            rows.append(
                [
                    _p(item.number),
                    _p(item.about or "—"),
                    _p(item.severity),
                    _p(timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M")),
                ]
            )
        story += [
            Spacer(1, 3),
            _p(_("Complaints"), "label"),
            _grid(rows, [WIDTH * 0.25] * 4, header=True, label_columns=()),
        ]
    return [KeepTogether(story[:2]), *story[2:]]


def render(figures: reports.MonthFigures, *, generated_at=None, compress: bool = True) -> bytes:
    """The report as PDF bytes, in the active language and time zone."""
    generated_at = generated_at or timezone.now()
    story = [
        *_header(figures, generated_at),
        *_kpi_table(figures),
        *_trend(figures),
        *_technicians(figures),
        *_worst(figures),
    ]
    return a4_pdf(
        story,
        title=f"{_('Service quality report')} {figures.center_name} {month_label(figures.month)}",
        author=getattr(settings, "SERVICE_NAME", "") or "aftersales",
        footer=f"{figures.center_name} {month_label(figures.month)}",
        compress=compress,
    )
