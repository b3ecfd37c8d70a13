"""Staff pages of this app: the log of webhook messages (back office) and the deflection
report (managers; agents may read it), with CSV / Excel downloads."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.decorators import allowed_if
from aftersales.core.exports import FORMATS, table_response
from aftersales.intake import selectors, services
from aftersales.intake.forms import InboundFilterForm, PeriodForm
from aftersales.intake.models import InboundMessage

PAGE_SIZE = 50


@allowed_if(services.can_read_inbound)
@require_GET
def inbound_messages(request):
    form = InboundFilterForm(request.GET or None)
    rows = InboundMessage.objects.select_related("customer", "request").order_by(
        "-received_at", "-pk"
    )
    if form.is_valid():
        for name in ("provider", "outcome"):
            if form.cleaned_data[name]:
                rows = rows.filter(**{name: form.cleaned_data[name]})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "intake/messages.html", {"nav": "intake", "form": form, "page_obj": page}
    )


def report_for(params):
    """The period form and the report it asks for (the last 30 days by default)."""
    form = PeriodForm(params or None)
    date_from, date_to = selectors.default_period()
    if form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
        if date_from > date_to:
            date_from = date_to
    return form, selectors.deflection_report(date_from, date_to)


@allowed_if(services.can_read_deflections)
@require_GET
def deflections(request):
    form, report = report_for(request.GET)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        headers = [_("Article"), _("Source"), _("Deflections")]
        rows = [[r["title"], r["source_label"], r["count"]] for r in report.rows]
        rows.append([_("Total"), "", report.totals["all"]])
        name = f"deflections-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
        return table_response(name, fmt, headers, rows)
    return render(
        request,
        "intake/deflections.html",
        {"nav": "kb", "form": form, "report": report, "query": request.GET.urlencode()},
    )
