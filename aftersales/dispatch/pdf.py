"""The signed service form of one visit: the request's form (service/pdf.py) with the
visit's times, the work done, the customer's rating and comment, and their signature.

Same A4 layout and STSong-Light font as the request's form, so Chinese prints without a
font file; the company header comes from settings SERVICE_NAME and SERVICE_PHONE.
"""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Spacer, Table, TableStyle

from aftersales.dispatch.models import Visit
from aftersales.service import pdf as service_pdf
from aftersales.service.pdf import WIDTH, _date, _heading, _p

STARS = "★"


def _header(visit: Visit) -> list:
    name = getattr(settings, "SERVICE_NAME", "") or "aftersales"
    phone = getattr(settings, "SERVICE_PHONE", "")
    left = [_p(name, "company")]
    center = visit.center
    line = " ".join(part for part in (center.name, phone or center.phone) if part)
    if line:
        left.append(_p(line, "small"))
    right = [_p(_("Service form"), "title"), _p(visit.request.number, "right")]
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


def _visit_facts(visit: Visit) -> list:
    technician = ""
    if visit.technician_id:
        user = visit.technician.user
        technician = user.get_full_name() or user.username
    rating = (
        f"{STARS * visit.customer_rating} ({visit.customer_rating}/5)"
        if visit.customer_rating
        else "—"
    )
    fixed = "—" if visit.first_time_fix is None else (_("Yes") if visit.first_time_fix else _("No"))
    items = [
        (_("Technician"), technician or "—"),
        (_("Address"), visit.address or "—"),
        (_("Travel started"), _date(visit.travel_started_at, with_time=True)),
        (_("Arrived"), _date(visit.checked_in_at, with_time=True)),
        (pgettext("time the visit ended", "Finished"), _date(visit.checked_out_at, with_time=True)),
        (_("Fixed on this visit"), fixed),
    ]
    if visit.not_fixed_reason:
        items.append((_("Why not fixed"), visit.get_not_fixed_reason_display()))
    items.append((_("Customer rating"), rating))
    return [_heading(_("Visit")), service_pdf._pairs(items)]


def _work_done(visit: Visit, fault_codes) -> list:
    rows = [[_p(visit.work_done)]]
    if fault_codes:
        codes = ", ".join(f"{code.code} {code.symptom}" for code in fault_codes)
        rows.append([_p(f"{_('Fault codes')}: {codes}", "small")])
    table = Table(rows, colWidths=[WIDTH])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, service_pdf.GRID)]))
    return [_heading(_("Work done")), table]


def _signature(visit: Visit) -> list:
    comment = Table(
        [[_p(_("Customer's comments on the service"), "label")], [_p(visit.customer_comment)]],
        colWidths=[WIDTH],
    )
    comment.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, service_pdf.GRID)]))
    picture = ""
    if visit.signature:
        with visit.signature.open("rb") as handle:
            data = io.BytesIO(handle.read())
        image = Image(data)
        scale = min(60 * mm / image.imageWidth, 22 * mm / image.imageHeight, 1)
        image.drawWidth = image.imageWidth * scale
        image.drawHeight = image.imageHeight * scale
        picture = image
    rows = [
        [_p(_("Customer's signature"), "label"), picture],
        [_p(_("Signed by"), "label"), _p(visit.signed_by)],
        [_p(_("Date"), "label"), _p(_date(visit.checked_out_at, with_time=True))],
    ]
    signature = service_pdf._grid(rows, [30 * mm, WIDTH - 30 * mm])
    note = _p(_("By signing, the customer confirms the work above was done."), "small")
    return [
        KeepTogether(
            [_heading(_("Confirmation")), comment, Spacer(1, 4), signature, Spacer(1, 3), note]
        )
    ]


def visit_form_pdf(visit: Visit, *, compress: bool = True) -> bytes:
    """The signed service form of `visit` as PDF bytes, in the active language."""
    request = visit.request
    fault_codes = list(request.fault_codes.all())
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story = [
        *_header(visit),
        *service_pdf._request_facts(request),
        *service_pdf._customer_and_unit(request),
        *service_pdf._warranty(request),
        *_visit_facts(visit),
        *_work_done(visit, fault_codes),
        Spacer(1, 6),
        *_signature(visit),
    ]
    return service_pdf.a4_pdf(
        story,
        title=f"{_('Service form')} {request.number}",
        author=getattr(settings, "SERVICE_NAME", "") or "aftersales",
        footer=_("%(number)s, printed %(date)s") % {"number": request.number, "date": printed},
        compress=compress,
    )
