"""Quality pages: the manager's dashboard, drill-down lists, scorecards, partner comparison.

Thin: the figures come from `kpis` and `selectors`, who may see what from `access`.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from aftersales.analytics import access, figures_cache, kpis, selectors
from aftersales.analytics.forms import KpiFilterForm
from aftersales.core.decorators import allowed_if
from aftersales.core.exports import table_response
from aftersales.core.pagination import LargePaginator
from aftersales.field.models import ServiceCenter
from aftersales.service.filters import DEFAULT_SORT, SORTS, sort_requests

NAV = "quality"
PAGE_SIZE = 50
FILTER_KEYS = (
    "start", "end", "team", "center", "center_kind", "technician", "category", "product",
    "channel", "city_tier",
)  # fmt: skip

dashboard_required = allowed_if(access.can_view_dashboard)
scorecard_required = allowed_if(access.can_view_scorecard)


def _filter_query(flt: kpis.KpiFilter) -> str:
    """The filter as a query string, for the links from each number to its requests."""
    from urllib.parse import urlencode

    values = {
        "start": flt.start.isoformat() if flt.start else "",
        "end": flt.end.isoformat() if flt.end else "",
        **{key: getattr(flt, key) or "" for key in FILTER_KEYS[2:]},
    }
    return urlencode({k: v for k, v in values.items() if v})


def _kept(request, kind: str, flt: kpis.KpiFilter, compute, params: tuple = ()):
    """The page's figures from the cache or computed now (`figures_cache`), with the
    context that says when they were computed and offers to compute them again."""
    value, computed_at = figures_cache.kept(
        kind, flt, compute, user=request.user, params=params, refresh="refresh" in request.GET
    )
    again = request.GET.copy()
    again["refresh"] = "1"
    return value, {
        "computed_at": computed_at,
        "refresh_url": f"{request.path}?{again.urlencode()}",
    }


def _tiles(flt: kpis.KpiFilter, values: dict) -> list[dict]:
    query = _filter_query(flt)
    base = reverse("analytics:requests")
    tiles = []
    for name, kpi in values.items():
        definition = kpis.KPIS[name]
        tiles.append(
            {
                "name": name,
                "label": definition.label,
                "unit": definition.unit,
                "kpi": kpi,
                "url": f"{base}?kpi={name}&{query}",
                "subsets": [
                    {"label": label, "url": f"{base}?kpi={name}&subset={key}&{query}"}
                    for key, label, _narrow in definition.subsets
                ],
            }
        )
    return tiles


def _bucket_query(flt: kpis.KpiFilter, first, period: str) -> str:
    """The filter narrowed to one week or month of the trend (within the filter's period)."""
    if period == "month":
        last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        last -= datetime.timedelta(days=1)
    else:
        last = first + datetime.timedelta(days=6)
    start = max(first, flt.start) if flt.start else first
    end = min(last, flt.end) if flt.end else last
    return _filter_query(flt.with_(start=start, end=end))


def _chart(rows: list[dict], flt: kpis.KpiFilter, period: str) -> dict:
    """Bars of a trend as SVG coordinates (no script: the server draws it); each bar links
    to the requests opened or resolved in its week or month."""
    requests_url = reverse("analytics:requests")
    height, bar = 120, 14
    top = max([max(r["opened"], r["resolved"]) for r in rows] or [0]) or 1
    bars = []
    for i, row in enumerate(rows):
        x = 10 + i * (2 * bar + 8)
        h_open = round(height * row["opened"] / top)
        h_done = round(height * row["resolved"] / top)
        bars.append(
            {
                **row,
                "x_open": x,
                "x_done": x + bar,
                "y_open": height - h_open,
                "y_done": height - h_done,
                "h_open": h_open,
                "h_done": h_done,
                "opened_url": f"{requests_url}?kpi=opened&"
                + _bucket_query(flt, row["bucket"], period),
                "resolved_url": f"{requests_url}?kpi=resolved&"
                + _bucket_query(flt, row["bucket"], period),
            }
        )
    return {"bars": bars, "width": 20 + len(rows) * (2 * bar + 8), "height": height, "bar": bar}


def _titled(breakdowns: dict) -> list[tuple[str, list[dict], str]]:
    titles = {
        "center": _("By service center"),
        "team": _("By team"),
        "technician": _("By technician (the %(n)s with most requests)")
        % {"n": selectors.TOP_TECHNICIANS},
        "category": _("By product category"),
        "channel": _("By channel"),
        "city_tier": _("By city tier"),
    }
    return [(titles[name], rows, name) for name, rows in breakdowns.items()]


def _kpi_rows(values: dict):
    """The tiles as a table: figure, value, unit, how many it is computed over."""
    for name, kpi in values.items():
        definition = kpis.KPIS[name]
        yield [str(definition.label), kpi.value, definition.unit, kpi.count]


KPI_HEADERS = (
    gettext_lazy("Figure"),
    gettext_lazy("Value"),
    pgettext_lazy("of measure", "Unit"),
    gettext_lazy("Counted"),
)
BREAKDOWN_HEADERS = (
    gettext_lazy("Opened"),
    gettext_lazy("Resolved in time (%)"),
    gettext_lazy("Satisfied (%)"),
)


def _export(request, name: str, values: dict, breakdowns: dict):
    """?format=csv|xlsx&table=kpis (the tiles) or a breakdown (center, team, …); None when
    the request is not for a download."""
    fmt, table = request.GET.get("format"), request.GET.get("table", "kpis")
    if fmt not in ("csv", "xlsx"):
        return None
    if table == "kpis":
        return table_response(name, fmt, [str(h) for h in KPI_HEADERS], _kpi_rows(values))
    if table not in breakdowns:
        raise Http404(_("There is no such table."))
    title = next(title for title, _rows, key in _titled(breakdowns) if key == table)
    headers = [str(title), *(str(h) for h in BREAKDOWN_HEADERS)]
    rows = ([str(r["label"]), r["opened"], r["in_time"], r["satisfied"]] for r in breakdowns[table])
    return table_response(f"{name}-{table}", fmt, headers, rows)


@dashboard_required
@require_GET
def dashboard(request):
    form = KpiFilterForm(request.GET or None)
    flt = access.restrict(request.user, form.to_filter())
    names, period = access.kpi_names(request.user, kpis.KPIS), form.trend_period
    (values, trend, breakdowns), freshness = _kept(
        request,
        "dashboard",
        flt,
        lambda: selectors.dashboard_figures(flt, names, period),
        params=selectors.dashboard_params(names, period),
    )
    download = _export(request, "quality", values, breakdowns)
    if download is not None:
        return download
    return render(
        request,
        "analytics/dashboard.html",
        {
            "nav": NAV,
            "form": form.shown(flt),
            "flt": flt,
            "tiles": _tiles(flt, values),
            "trend": trend,
            "chart": _chart(trend, flt, period),
            "breakdowns": _titled(breakdowns),
            "query": _filter_query(flt),
            "requests_url": reverse("analytics:requests"),
            **freshness,
        },
    )


@scorecard_required
@require_GET
def scorecard(request):
    """A technician's or partner center's own figures; the back office picks one by filter."""
    user = request.user
    scoped = not user.is_back_office
    form = KpiFilterForm(request.GET or None, scoped=scoped)
    flt = access.restrict(user, form.to_filter())
    if not scoped and not (flt.center or flt.technician):
        return redirect("analytics:dashboard")
    names, period = access.kpi_names(user, kpis.KPIS), form.trend_period
    # the back office compares a center's technicians (partners: their own center's
    # figures only, see access)
    per_technician = user.is_back_office and flt.center and not flt.technician
    (values, trend, technicians), freshness = _kept(
        request,
        "scorecard",
        flt,
        lambda: (
            kpis.compute_all(flt, names),
            selectors.trend(flt, period),
            selectors.technicians_of_center(flt, flt.center) if per_technician else None,
        ),
        params=(tuple(names), period, bool(per_technician)),
    )
    if request.GET.get("format") in ("csv", "xlsx") and request.GET.get("table") == "technicians":
        if technicians is None:
            raise Http404(_("There is no such table."))
        labels = [str(kpis.KPIS[n].label) for n in selectors.PER_TECHNICIAN]
        rows = (
            [str(row["technician"].user), *(row["kpis"][n].value for n in selectors.PER_TECHNICIAN)]
            for row in technicians
        )
        return table_response(
            "quality-technicians", request.GET["format"], [str(_("Technician")), *labels], rows
        )
    download = _export(request, "quality-scorecard", values, {})
    if download is not None:
        return download
    return render(
        request,
        "analytics/scorecard.html",
        {
            "nav": NAV,
            "form": form.shown(flt),
            "flt": flt,
            "scoped": scoped,
            "tiles": _tiles(flt, values),
            "chart": _chart(trend, flt, period),
            "technicians": technicians,
            **freshness,
            "technician_labels": [kpis.KPIS[n].label for n in selectors.PER_TECHNICIAN],
            "query": _filter_query(flt.with_(center=None)),
        },
    )


@dashboard_required
@require_GET
def partners(request):
    form = KpiFilterForm(request.GET or None)
    flt = access.restrict(request.user, form.to_filter())
    names = access.kpi_names(request.user, selectors.COMPARED)
    table, freshness = _kept(
        request, "partners", flt, lambda: selectors.comparison(flt, names), params=tuple(names)
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers = [_("Service center"), _("Kind"), *(str(kpis.KPIS[n].label) for n in names)]
        rows = (
            [
                row["label"] if row["center"] else _("All"),
                str(dict(ServiceCenter.Kind.choices)[row["kind"]]),
                *(row["kpis"][n].value for n in names),
            ]
            for row in table["rows"]
        )
        return table_response("quality-centers", fmt, headers, rows)
    return render(
        request,
        "analytics/partners.html",
        {
            "nav": NAV,
            "form": form.shown(flt),
            "flt": flt,
            "table": table,
            "labels": [kpis.KPIS[n].label for n in names],
            "units": [kpis.KPIS[n].unit for n in names],
            "query": _filter_query(flt),
            **freshness,
        },
    )


def _drilldown_kpi(request) -> tuple[str, str]:
    name = request.GET.get("kpi", "")
    if name not in kpis.KPIS:
        raise Http404(_("There is no such figure."))
    if name not in access.kpi_names(request.user, [name]):
        raise PermissionDenied
    return name, request.GET.get("subset", "")


EXPORT_HEADERS = (
    "number", "received", "status", "channel", "customer", "service center", "assignee",
    "model", "resolved", "response in time", "resolved in time",
)  # fmt: skip


def _export_row(r):
    return (
        r.number, r.received_at, r.get_status_display(), r.get_channel_display(),
        r.customer.name, r.service_center.name if r.service_center else "",
        str(r.assignee) if r.assignee else "", r.unit.product.name if r.unit else "",
        r.resolved_at, r.response_met, r.resolution_met,
    )  # fmt: skip


@scorecard_required
@require_GET
def requests_behind(request):
    """The requests behind one number, sortable, exportable to CSV and Excel."""
    name, subset = _drilldown_kpi(request)
    form = KpiFilterForm(request.GET, scoped=not request.user.is_back_office)
    flt = access.restrict(request.user, form.to_filter())
    sort = request.GET.get("sort") or DEFAULT_SORT
    sort = sort if sort in SORTS else DEFAULT_SORT
    rows = sort_requests(selectors.drilldown_rows(kpis.drilldown(name, flt, subset)), sort)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers = [_(h) for h in EXPORT_HEADERS]
        return table_response(f"quality-{name}", fmt, headers, (_export_row(r) for r in rows))
    page = LargePaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    definition = kpis.KPIS[name]
    subset_label = next((lbl for key, lbl, _n in definition.subsets if key == subset), "")
    return render(
        request,
        "analytics/requests.html",
        {
            "nav": NAV,
            "kpi_label": definition.label,
            "subset_label": subset_label,
            "flt": flt,
            "page_obj": page,
            "requests": page.object_list,
            "current_sort": sort,
            "back": reverse(
                "analytics:dashboard" if request.user.is_back_office else "analytics:me"
            )
            + "?"
            + _filter_query(flt),
        },
    )
