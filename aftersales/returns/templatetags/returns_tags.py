"""Template tags of the returns app: its panel on the service request page."""

from django import template

from aftersales.returns import selectors, services
from aftersales.returns.forms import StartForm
from aftersales.returns.models import RmaKind

register = template.Library()


@register.inclusion_tag("returns/_request_panel.html", takes_context=True)
def returns_panel(context, service_request):
    """The request's returns (to those who may see them) and the form to start one (to
    agents and managers, when the request has a unit)."""
    user = context.get("user")
    shown = {"obj": service_request, "user": user, "request": context.get("request")}
    if user is None or not services.can_view(user):
        return shown | {"visible": False}
    can_run = services.can_run(user)
    allowances = []
    if can_run and service_request.unit_id:
        allowances = services.allowances(service_request)
    allowed = [a.kind for a in allowances if a.allowed]
    form = None
    if can_run and service_request.unit_id:
        form = StartForm(initial={"kind": allowed[0] if allowed else RmaKind.DEPOT_REPAIR})
    return shown | {
        "visible": True,
        "returns": list(selectors.request_returns(user, service_request)),
        "form": form,
        "allowed": allowed,
        "is_manager": services.can_manage(user),
        "kinds": RmaKind,
    }
