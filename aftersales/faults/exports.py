"""Every fault table as a download (CSV or Excel) through `core.exports.table_response`."""

from django.utils.translation import gettext as _

from aftersales.core.exports import table_response
from aftersales.faults import selectors


def _shares() -> list[str]:
    return [_("Share (per cent)"), _("Cumulative share (per cent)")]


def code_table(scope):
    headers = [_("Fault code"), _("Symptom"), _("Component"), _("Kind"), _("Requests"),
               *_shares()]  # fmt: skip
    rows = [
        [r.label, r.detail, r.extra["component"], r.extra["kind_label"], r.count, r.share,
         r.cumulative]
        for r in selectors.fault_code_pareto(scope)
    ]  # fmt: skip
    return headers, rows


def component_table(scope):
    headers = [_("Component"), _("Requests"), *_shares()]
    rows = [[r.label, r.count, r.share, r.cumulative] for r in selectors.component_pareto(scope)]
    return headers, rows


def part_table(scope):
    headers = [_("Part number"), _("Part"), _("Quantity used"), _("Requests"), *_shares()]
    rows = [
        [r.label, r.detail, r.count, r.extra["requests"], r.share, r.cumulative]
        for r in selectors.part_pareto(scope)
    ]
    return headers, rows


def _rate_table(scope, by_batch: bool):
    headers = [_("SKU"), _("Product model")]
    if by_batch:
        headers.append(_("Batch (purchase month)"))
    headers += [_("Units in the field"), _("Failures"), _("Failed units"),
                _("Failures per 1000 units"), _("Early failures"),
                _("Early failures (per cent of units)"), _("Early-failure flag")]  # fmt: skip
    rows = []
    for r in selectors.failure_rates(scope, by_batch=by_batch):
        row = [r.sku, r.name]
        if by_batch:
            row.append(r.batch.strftime("%Y-%m") if r.batch else "")
        row += [r.units, r.failures, r.failed_units, r.per_thousand, r.early, r.early_share,
                _("yes") if r.flagged else ""]  # fmt: skip
        rows.append(row)
    return headers, rows


def rate_table(scope):
    return _rate_table(scope, by_batch=False)


def batch_table(scope):
    return _rate_table(scope, by_batch=True)


TABLES = {
    "codes": code_table,
    "components": component_table,
    "parts": part_table,
    "rates": rate_table,
    "batches": batch_table,
}


def download(table: str, scope, fmt: str):
    headers, rows = TABLES[table](scope)
    name = f"faults-{table}-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}"
    return table_response(name, fmt, headers, rows)


def _request_row(r):
    unit = r.unit
    return [
        r.number, r.received_at, r.get_status_display(), unit.product.sku, unit.product.name,
        unit.serial_number, unit.purchased_on, unit.installed_on,
        " ".join(c.code for c in r.fault_codes.all()), r.get_diagnosis_display(),
        r.get_fault_cause_display(),
    ]  # fmt: skip


def requests_download(rows, scope, fmt: str):
    """The requests behind a number (`selectors.listed`, sorted) as a download."""
    headers = [_("Number"), _("Received"), _("Status"), _("SKU"), _("Product model"),
               _("Serial number"), _("Purchased"), _("Installed"), _("Fault codes"),
               _("Diagnosis"), _("Fault cause")]  # fmt: skip
    name = f"faults-requests-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}"
    return table_response(name, fmt, headers, (_request_row(r) for r in rows))
