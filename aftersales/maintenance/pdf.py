"""The maintenance report as an A4 PDF, in the active language (seed 004): when every
item meets the requirements, the periodic maintenance report (定期维护报告); when any
falls short, the corrective-action report (维护整改报告) listing what failed, what was
measured and what was agreed with the customer to put it right."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from aftersales.maintenance.planning import limits_text
from aftersales.service import pdf as base
from aftersales.service.pdf import WIDTH, _grid, _heading, _p, _pairs


def title(passed: bool) -> str:
    if passed:
        return pgettext("maintenance report", "Periodic maintenance report")
    return pgettext("maintenance report", "Corrective-action report")


def _verdict(item: dict) -> str:
    if item.get("passed") is None:
        return "—"
    return _("Pass") if item["passed"] else _("Fail")


def _measured(item: dict) -> str:
    if item.get("value") in (None, ""):
        return ""
    return f"{item['value']} {item.get('unit') or ''}".strip()


def _facts(job, result) -> list:
    unit, request = job.unit, job.request
    technician = ""
    if job.visit_id and job.visit.technician_id:
        technician = job.visit.technician.user.get_full_name() or job.visit.technician.user.username
    return [
        _pairs(
            [
                (_("Customer"), unit.customer.name),
                (pgettext("maintenance report", "Request"), request.number if request else ""),
                (_("Product"), str(unit.product)),
                (_("Serial number"), unit.serial_number),
                (_("Plan"), job.plan.name if job.plan_id else _("Preventive maintenance")),
                (_("Due on"), job.due_on.isoformat()),
                (_("Completed on"), timezone.localtime(result.recorded_at).strftime("%Y-%m-%d")),
                (_("Technician"), technician),
            ]
        ),
        Spacer(1, 4),
    ]


def _items_table(items: list[dict]) -> list:
    rows = [[_p(_("Item"), "label"), _p(_("Result"), "label"), _p(_("Measured"), "label"),
             _p(_("Acceptable"), "label")]]  # fmt: skip
    for number, item in enumerate(items, start=1):
        rows.append([_p(f"{number}. {item['text']}"), _p(_verdict(item)), _p(_measured(item)),
                     _p(limits_text(item))])  # fmt: skip
    widths = [WIDTH * 0.5, WIDTH * 0.12, WIDTH * 0.18, WIDTH * 0.2]
    return [_heading(_("Checklist")), _grid(rows, widths, header=True, label_columns=())]


def _failures(items: list[dict]) -> list:
    failed = [item for item in items if item.get("passed") is False]
    if not failed:
        return [
            Spacer(1, 6),
            _p(_("All items meet the requirements. The unit is in good working order.")),
        ]
    by = pgettext("corrective action due", "By")
    rows = [[_p(_("Item"), "label"), _p(_("Found"), "label"),
             _p(_("Agreed corrective action"), "label"), _p(by, "label")]]  # fmt: skip
    for item in failed:
        found = " ".join(part for part in (_measured(item), item.get("note") or "") if part)
        rows.append([_p(item["text"]), _p(found), _p(item.get("action") or ""),
                     _p(item.get("action_due") or "")])  # fmt: skip
    widths = [WIDTH * 0.3, WIDTH * 0.25, WIDTH * 0.3, WIDTH * 0.15]
    return [
        _heading(_("Items that fall short and what was agreed")),
        _p(_("The following items do not meet the requirements; we agreed with the customer:")),
        Spacer(1, 3),
        _grid(rows, widths, header=True, label_columns=()),
    ]


def _signature_space() -> list:
    return [Spacer(1, 10 * mm), _p(_("Customer's confirmation:") + " ____________________")]


def report_pdf(job, result) -> bytes:
    passed = all(item.get("passed") is not False for item in result.items)
    heading = title(passed)
    name = getattr(settings, "SERVICE_NAME", "") or "aftersales"
    story = [
        _p(name, "company"),
        _p(heading, "title"),
        Spacer(1, 4),
        *_facts(job, result),
        *_items_table(result.items),
        *_failures(result.items),
        *_signature_space(),
    ]
    number = job.request.number if job.request_id else str(job.pk)
    return base.a4_pdf(
        story, title=f"{heading} {number}", author=name, footer=f"{heading} {number}"
    )
