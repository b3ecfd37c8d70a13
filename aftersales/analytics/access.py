"""Who sees which quality figures.

The back office (administrators, service managers, agents, dispatchers) reads the whole
dashboard, its drill-downs and the partner comparison: they already see every request.
Money (cost per request, revenue) is for managers and administrators only. Technicians
see their own scorecard, partner staff their center's; neither reads the dashboard.
Every figure is computed over `service.access.visible_requests`, so a drill-down never
lists a request its reader may not open.
"""

from aftersales.accounts.models import Role
from aftersales.analytics.kpis import KpiFilter
from aftersales.field.models import Technician
from aftersales.service.access import visible_requests

MONEY_KPIS = frozenset({"cost_per_request", "revenue"})


def can_view_dashboard(user) -> bool:
    return bool(user.is_authenticated and user.is_back_office)


def can_see_money(user) -> bool:
    return bool(user.is_authenticated and user.is_manager)


def can_view_scorecard(user) -> bool:
    return bool(user.is_authenticated and (user.is_back_office or own_scope(user) is not None))


def kpi_names(user, names) -> list[str]:
    return [n for n in names if n not in MONEY_KPIS or can_see_money(user)]


def own_scope(user) -> dict | None:
    """The scorecard a technician or partner may see: {"technician": id} or {"center": id}."""
    if user.role == Role.TECHNICIAN:
        tech = Technician.objects.filter(user=user).values_list("pk", flat=True).first()
        return {"technician": tech} if tech else None
    if user.role == Role.PARTNER and user.service_center_id:
        return {"center": user.service_center_id}
    return None


def restrict(user, flt: KpiFilter) -> KpiFilter:
    """The filter limited to what `user` may see (the back office: unchanged scope)."""
    if user.is_back_office:
        # They see every request: no base, so that figures over visits, surveys and
        # complaints need not ask which requests are theirs (`KpiFilter.of_requests`).
        return flt.with_(base=None)
    flt = flt.with_(base=visible_requests(user))
    scope = {"team": None, "center": None, "technician": None, "center_kind": ""}
    scope.update(own_scope(user) or {"center": -1})
    return flt.with_(**scope)
