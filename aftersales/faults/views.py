"""The fault statistics page (/faults/) and its downloads: managers, administrators and
agents read; everyone else is refused (403). Thin: the numbers come from selectors."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.core.decorators import allowed_if
from aftersales.core.exports import FORMATS
from aftersales.faults import exports, rules, selectors
from aftersales.faults.forms import FaultFilterForm
from aftersales.faults.rules import early_failure

NAV = "faults"
view_required = allowed_if(rules.can_view)


def _form(request):
    form = FaultFilterForm(request.GET or None)
    return form, form.scope()


@view_required
@require_GET
def overview(request):
    form, scope = _form(request)
    by_batch = request.GET.get("group") == "batch"
    query = request.GET.copy()
    query.pop("group", None)
    return render(
        request,
        "faults/overview.html",
        {
            "nav": NAV,
            "form": form,
            "scope": scope,
            "by_batch": by_batch,
            "codes": selectors.fault_code_pareto(scope),
            "components": selectors.component_pareto(scope),
            "parts": selectors.part_pareto(scope),
            "rates": selectors.failure_rates(scope, by_batch=by_batch),
            "rule": early_failure(),
            "query": query.urlencode(),
        },
    )


@view_required
@require_GET
def export(request, table, fmt):
    if fmt not in FORMATS or table not in exports.TABLES:
        raise Http404
    _form_, scope = _form(request)
    return exports.download(table, scope, fmt)
