"""The fault statistics page (/faults/), its downloads and the requests behind each of its
numbers (/faults/requests/): managers, administrators and agents read; everyone else is
refused (403). Thin: the numbers and their requests come from selectors, the charts'
coordinates from `charts`."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.analytics import figures_cache
from aftersales.core.decorators import allowed_if
from aftersales.core.exports import FORMATS
from aftersales.faults import charts, exports, rules, selectors
from aftersales.faults.forms import DrilldownForm, FaultFilterForm
from aftersales.faults.rules import early_failure
from aftersales.service.filters import DEFAULT_SORT, SORTS, sort_requests

NAV = "faults"
PAGE_SIZE = 50
view_required = allowed_if(rules.can_view)


def _form(request):
    form = FaultFilterForm(request.GET or None)
    return form, form.scope()


def _requests_url(query: dict) -> str:
    return f"{reverse('faults:requests')}?{urlencode(query)}"


def _link_paretos(scope, **tables) -> None:
    """Each Pareto row's link to its requests: the scope plus the row's key under the
    table's parameter (code, component or part)."""
    base = scope.as_query()
    for param, rows in tables.items():
        for row in rows:
            row.url = _requests_url({**base, param: row.key})


def _link_rates(scope, rows, by_batch: bool) -> None:
    """Each model's (or batch's) link to its failures and its early failures: the scope
    narrowed to the row's model and purchase month."""
    for row in rows:
        query = {**scope.as_query(), "product": row.product_id}
        if by_batch:
            query.pop("batch", None)
            if row.batch is not None:
                query["batch"] = row.batch.strftime("%Y-%m")
            else:
                query["purchase_unknown"] = "1"
        row.url = _requests_url(query)
        row.early_url = _requests_url({**query, "early": "1"})


@view_required
@require_GET
def overview(request):
    form, scope = _form(request)
    by_batch = request.GET.get("group") == "batch"
    query = request.GET.copy()
    query.pop("group", None)
    query.pop("refresh", None)
    again = request.GET.copy()
    again["refresh"] = "1"
    (codes, components, parts, rates), computed_at = _tables(scope, by_batch, request)
    _link_paretos(scope, code=codes, component=components, part=parts)
    _link_rates(scope, rates, by_batch)
    return render(
        request,
        "faults/overview.html",
        {
            "nav": NAV,
            "form": form,
            "scope": scope,
            "by_batch": by_batch,
            "codes": codes,
            "components": components,
            "parts": parts,
            "rates": rates,
            "code_chart": charts.pareto_chart(codes),
            "component_chart": charts.pareto_chart(components),
            "part_chart": charts.pareto_chart(parts),
            "rate_chart": charts.rate_chart(rates),
            "rule": early_failure(),
            "query": query.urlencode(),
            "computed_at": computed_at,
            "refresh_url": f"{request.path}?{again.urlencode()}",
        },
    )


def _tables(scope, by_batch: bool, request):
    """The four tables, kept a few minutes per filter like the quality pages' figures
    (`analytics.figures_cache`: a year at a million requests takes about a second)."""
    parts = (
        "faults", scope.date_from, scope.date_to, getattr(scope.category, "pk", None),
        getattr(scope.product, "pk", None), scope.batch, by_batch,
    )  # fmt: skip

    def compute():
        return (
            selectors.fault_code_pareto(scope),
            selectors.component_pareto(scope),
            selectors.part_pareto(scope),
            selectors.failure_rates(scope, by_batch=by_batch),
        )

    return figures_cache.kept_for(parts, compute, refresh="refresh" in request.GET)


@view_required
@require_GET
def export(request, table, fmt):
    if fmt not in FORMATS or table not in exports.TABLES:
        raise Http404
    _form_, scope = _form(request)
    return exports.download(table, scope, fmt)


def _title(form) -> str:
    """What the list is behind, in the words of the row that linked here."""
    if not form.is_valid():
        return _("Requests behind a number")
    values = form.cleaned_data
    if values["code"] is not None:
        code = values["code"]
        return _("Fault code %(code)s: %(symptom)s") % {"code": code.code, "symptom": code.symptom}
    if values["component"] is not None:
        if not values["component"]:
            return _("Fault codes without a component")
        return _("Component: %(component)s") % {"component": values["component"]}
    if values["part"] is not None:
        part = values["part"]
        return _("Failures on which part %(number)s (%(name)s) was used") % {
            "number": part.part_number,
            "name": part.name,
        }
    return _("Early failures") if values["early"] else _("Failures")


@view_required
@require_GET
def requests_behind(request):
    """The requests behind one number of /faults/, sortable, exportable to CSV and Excel."""
    form = DrilldownForm(request.GET)
    scope = form.scope()
    sort = request.GET.get("sort") or DEFAULT_SORT
    sort = sort if sort in SORTS else DEFAULT_SORT
    rows = sort_requests(selectors.listed(form.requests()), sort)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return exports.requests_download(rows, scope, fmt)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    values = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "faults/requests.html",
        {
            "nav": NAV,
            "form": form,
            "title": _title(form),
            "scope": scope,
            "purchase_unknown": values.get("purchase_unknown"),
            "page_obj": page,
            "requests": page.object_list,
            "current_sort": sort,
            "back": f"{reverse('faults:overview')}?{urlencode(scope.as_query())}",
        },
    )
