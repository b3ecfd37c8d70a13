"""The complaints list as a table (CSV or Excel) through `core.exports.table_response`."""

from django.utils.translation import gettext as _

from aftersales.core.exports import table_response


def headers() -> list[str]:
    return [
        _("Request number"),
        _("Opened at"),
        _("Customer"),
        _("Severity"),
        _("Repeated"),
        _("Status"),
        _("Subject"),
        _("About request"),
        _("About technician"),
        _("About product"),
        _("Resolution due"),
        _("First contact"),
        _("Apologised at"),
        _("Apology made by"),
        _("Root cause"),
        _("Root cause detail"),
        _("Corrective action"),
        _("Signed off at"),
        _("Signed off by"),
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def rows(complaints):
    for c in complaints:
        yield [
            c.request.number,
            c.created_at,
            c.customer.name,
            c.get_severity_display(),
            _yes_no(c.repeat),
            c.request.get_status_display(),
            c.request.subject,
            c.about_request.number if c.about_request else "",
            str(c.about_technician.user) if c.about_technician else "",
            c.about_product.name if c.about_product else "",
            c.request.resolution_due_at,
            c.first_contact_at,
            c.apology_at,
            c.get_apology_how_display() if c.apology_how else "",
            c.get_root_cause_display() if c.root_cause else "",
            c.root_cause_detail,
            c.corrective_action,
            c.signed_off_at,
            str(c.signed_off_by) if c.signed_off_by else "",
        ]


def download(complaints, fmt: str):
    return table_response("complaints", fmt, headers(), rows(complaints))
