"""The printable service form (服务单) of a request: a PDF the customer signs on site.

As seed 004 asks, after an on-site service the customer writes their opinion on the
form and signs it; charges for consumables and customer-caused damage are shown with
the warranty decision that made them chargeable. The form is A4, in the reader's
language, and uses reportlab's built-in CID font STSong-Light, so Chinese prints
without any font file on the server (PDF readers bring the glyphs).
"""

import functools
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from aftersales.service import entitlement, quotes
from aftersales.service.models import ServiceRequest
from aftersales.warranty.decision import FREE
from aftersales.warranty.models import Charge, LineKind, QuoteStatus

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef1f5")
# The quotes that belong on the form: the work agreed, or offered and awaiting a signature.
ON_FORM = (QuoteStatus.ACCEPTED, QuoteStatus.SENT)
# STSong-Light has no glyph for "·" or "•" (they print as boxes); the em dash it has.
SEP = " — "


@functools.cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5),
        "label": ParagraphStyle(
            "label", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#4a5563")
        ),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=20, spaceAfter=2),
        "company": ParagraphStyle("company", parent=body, fontSize=11, leading=14),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=10.5, leading=13, spaceBefore=5, spaceAfter=2
        ),
    }


def _p(text, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    text = escape(str(text if text not in (None, "") else "—")).replace("\n", "<br/>")
    return Paragraph(text, _styles()[style])


def _date(value, with_time: bool = False) -> str:
    if not value:
        return "—"
    if hasattr(value, "tzinfo") and with_time:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d")
    return value.isoformat()


def _grid(rows, widths, *, header=False, label_columns=(0,), row_height=None) -> Table:
    heights = [row_height] * len(rows) if row_height else None
    table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), _font()),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    for column in label_columns:
        style.append(("BACKGROUND", (column, 0), (column, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _pairs(items: list[tuple[str, object]], columns: int = 2) -> Table:
    """label | value | label | value … rows, for the form's facts."""
    rows, row = [], []
    for label, value in items:
        row += [_p(label, "label"), value if isinstance(value, Paragraph) else _p(value)]
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row + [""] * (2 * columns - len(row)))
    label_width = 24 * mm
    value_width = WIDTH / columns - label_width
    return _grid(
        rows,
        [label_width, value_width] * columns,
        label_columns=tuple(range(0, 2 * columns, 2)),
    )


def _heading(text: str) -> Paragraph:
    return _p(text, "heading")


def _header(obj: ServiceRequest) -> list:
    center = obj.service_center
    company = center.name if center else _("After-sales service")
    contact = " ".join(part for part in (center.address, center.phone) if part) if center else ""
    left = [_p(company, "company")]
    if contact:
        left.append(_p(contact, "small"))
    right = [_p(_("Service form"), "title"), _p(obj.number, "right")]
    table = Table([[left, right]], colWidths=[WIDTH * 0.6, WIDTH * 0.4])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [table, Spacer(1, 4)]


def _request_facts(obj: ServiceRequest) -> list:
    return [
        _heading(_("Request")),
        _pairs(
            [
                (_("Number"), obj.number),
                (_("Status"), obj.get_status_display()),
                (_("Received"), _date(obj.received_at, with_time=True)),
                (_("Resolved"), _date(obj.resolved_at, with_time=True)),
                (_("Kind"), obj.get_kind_display()),
                (_("Channel"), obj.get_channel_display()),
                (_("Technician"), str(obj.assignee) if obj.assignee_id else "—"),
                (_("Service center"), str(obj.service_center) if obj.service_center_id else "—"),
            ]
        ),
    ]


def _customer_and_unit(obj: ServiceRequest) -> list:
    customer = obj.customer
    address = " ".join(part for part in (customer.location, customer.address) if part)
    contact = f"{obj.contact.name} {obj.contact.phone}".strip() if obj.contact_id else ""
    unit = obj.unit
    items = [
        (_("Customer"), customer.name),
        (_("Phone"), customer.phone),
        (_("Address"), address),
        (_("Contact"), contact or "—"),
        (_("Product"), unit.product.name if unit else "—"),
        (_("Serial number"), unit.serial_number if unit else "—"),
        (_("Purchase date"), _date(unit.purchased_on) if unit else "—"),
        (_("Invoice number"), (unit.invoice_number or "—") if unit else "—"),
    ]
    return [_heading(_("Customer and unit")), _pairs(items)]


def _warranty(obj: ServiceRequest) -> list:
    decision = entitlement.snapshot(obj)
    if decision is None:
        return [_heading(_("Warranty")), _p(_("No warranty decision was made for this request."))]
    charge = _("Free repair") if decision.repair_charge == FREE else _("Chargeable repair")
    items = [
        (_("Warranty status"), decision.status_label),
        (_("Repair"), charge),
        (_("Warranty ends"), _date(decision.warranty_ends_on)),
        (_("Fault cause"), obj.get_fault_cause_display()),
    ]
    reasons = "\n".join(f"{n}. {text}" for n, text in enumerate(decision.reason_texts, 1))
    table = _pairs(items)
    return [
        _heading(_("Warranty")),
        table,
        _grid([[_p(_("Reasons"), "label"), _p(reasons, "small")]], [24 * mm, WIDTH - 24 * mm]),
    ]


def _work(obj: ServiceRequest, fault_codes) -> list:
    diagnosis = obj.get_diagnosis_display()
    codes = "\n".join(f"{code.code} {code.symptom}" for code in fault_codes)
    if codes:
        diagnosis = f"{diagnosis}\n{codes}"
    resolution = (
        f"{obj.get_resolution_type_display()}: {obj.resolution_summary}"
        if obj.resolution_type
        else obj.resolution_summary
    )
    rows = [
        [_p(_("Problem"), "label"), _p(f"{obj.subject}\n{obj.description}".strip())],
        [_p(_("Diagnosis"), "label"), _p(diagnosis)],
        [_p(_("Resolution"), "label"), _p(resolution)],
    ]
    return [_heading(_("Work")), _grid(rows, [24 * mm, WIDTH - 24 * mm])]


def _charges(quote_list, charges) -> list:
    shown = [quote for quote in quote_list if quote.status in ON_FORM]
    flow = [_heading(_("Charges"))]
    if not shown and not charges:
        flow.append(_p(_("No charges: nothing chargeable was quoted for this request.")))
        return flow
    widths = [18 * mm, WIDTH - 18 * mm - 78 * mm, 18 * mm, 28 * mm, 32 * mm]
    for quote in shown:
        status = (
            _("Accepted on %(date)s") % {"date": _date(quote.decided_at)}
            if quote.status == QuoteStatus.ACCEPTED
            else _("Awaiting the customer's answer")
        )
        flow.append(_p(f"{_('Quote')} #{quote.pk}{SEP}{status}", "small"))
        rows = [
            [
                _p(_("Kind"), "label"),
                _p(_("Description"), "label"),
                _p(_("Quantity"), "label"),
                _p(_("Unit price"), "label"),
                _p(_("Amount"), "label"),
            ]
        ]
        for line in quote.lines.all():
            description = line.description
            if line.spare_part_id:
                description = f"{description} ({line.spare_part.part_number})"
            rows.append(
                [
                    _p(LineKind(line.kind).label if line.kind in LineKind.values else line.kind),
                    _p(description),
                    _p(f"{line.quantity.normalize():f}", "right"),
                    _p(f"{line.unit_price:.2f}", "right"),
                    _p(f"{line.amount:.2f}", "right"),
                ]
            )
        rows.append(
            [
                "",
                _p(_("Total"), "label"),
                "",
                "",
                _p(f"{quote.total:.2f} {quote.currency}", "right"),
            ]
        )
        flow += [_grid(rows, widths, header=True, label_columns=()), Spacer(1, 3)]
    for charge in charges:
        text = _("Charge: %(amount)s %(currency)s, %(status)s") % {
            "amount": f"{charge.amount:.2f}",
            "currency": charge.currency,
            "status": charge.get_status_display(),
        }
        if charge.method:
            text += f"{SEP}{charge.get_method_display()} {_date(charge.paid_at)}"
        flow.append(_p(text, "small"))
    return flow


def _signatures(obj: ServiceRequest) -> list:
    blank = ""
    opinion = Table(
        [[_p(_("Customer's comments on the service"), "label")], [blank]],
        colWidths=[WIDTH],
        rowHeights=[None, 16 * mm],
    )
    opinion.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GRID)]))
    technician = str(obj.assignee) if obj.assignee_id else ""
    rows = [
        [
            _p(_("Customer's signature"), "label"),
            blank,
            _p(_("Technician"), "label"),
            _p(technician),
        ],
        [_p(_("Date"), "label"), blank, _p(_("Date"), "label"), blank],
    ]
    signatures = _grid(
        rows, [30 * mm, WIDTH / 2 - 30 * mm] * 2, label_columns=(0, 2), row_height=10 * mm
    )
    note = _p(
        _(
            "By signing, the customer confirms the work above was done and agrees to the "
            "charges shown."
        ),
        "small",
    )
    return [
        KeepTogether(
            [_heading(_("Confirmation")), opinion, Spacer(1, 4), signatures, Spacer(1, 3), note]
        )
    ]


def service_form_pdf(obj: ServiceRequest, *, compress: bool = True) -> bytes:
    """The service form of request `obj` as PDF bytes, in the active language.

    `compress=False` leaves the page streams readable (for debugging a layout).
    """
    fault_codes = list(obj.fault_codes.all())
    quote_list = quotes.quotes_of(obj)
    charges = list(Charge.objects.filter(request=obj))
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story = [
        *_header(obj),
        *_request_facts(obj),
        *_customer_and_unit(obj),
        *_warranty(obj),
        *_work(obj, fault_codes),
        *_charges(quote_list, charges),
        Spacer(1, 6),
        *_signatures(obj),
    ]
    return a4_pdf(
        story,
        title=f"{_('Service form')} {obj.number}",
        author=obj.service_center.name if obj.service_center_id else "aftersales",
        footer=_("%(number)s, printed %(date)s") % {"number": obj.number, "date": printed},
        compress=compress,
    )


def a4_pdf(story: list, *, title: str, author: str, footer: str, compress: bool = True) -> bytes:
    """The A4 document of every printout (service form, visit form, quality report): our
    margins, and on each page a grey footer "<footer> — page N" in the reader's language."""
    buffer = io.BytesIO()
    page = _("page %(page)s")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(_font(), 7.5)
        canvas.setFillColor(colors.HexColor("#6b7280"))
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN,
            9 * mm,
            f"{footer}{SEP}{page % {'page': canvas.getPageNumber()}}",
        )
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        pageCompression=1 if compress else 0,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
