"""The RMA list as a table (CSV or Excel) through `core.exports.table_response`."""

from django.utils.translation import gettext as _

from aftersales.core.exports import table_response


def headers() -> list[str]:
    return [
        _("RMA number"),
        _("Authorised at"),
        _("Request number"),
        _("Customer"),
        _("Serial number"),
        _("Product"),
        _("Kind"),
        _("Status"),
        _("Manager override"),
        _("Condition"),
        _("Fault confirmed"),
        _("Price paid (CNY)"),
        _("Deductions (CNY)"),
        _("Refund (CNY)"),
        _("Refund method"),
        _("Replacement unit"),
        _("Tracking number"),
        _("Rejection reason"),
        _("Closed at"),
    ]


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def rows(returns):
    for rma in returns:
        yield [
            rma.number,
            rma.created_at,
            rma.request.number,
            rma.customer.name,
            rma.unit.serial_number,
            rma.unit.product.name,
            rma.get_kind_display(),
            rma.get_status_display(),
            _yes_no(rma.overridden),
            rma.get_condition_display() if rma.condition else "",
            _yes_no(rma.fault_confirmed),
            rma.price_paid,
            rma.deductions,
            rma.refund_amount,
            rma.get_refund_method_display() if rma.refund_method else "",
            rma.replacement_unit.serial_number if rma.replacement_unit else "",
            rma.tracking_number,
            rma.rejection_reason,
            rma.closed_at,
        ]


def download(returns, fmt: str):
    return table_response("returns", fmt, headers(), rows(returns))
