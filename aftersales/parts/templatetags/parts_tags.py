"""Template tags of the parts app: its panel on the service request page."""

from django import template

from aftersales.parts import access, selectors
from aftersales.parts.forms import FaultyForm, ReserveForm, UseForm
from aftersales.service.choices import DONE_STATUSES

register = template.Library()


@register.inclusion_tag("parts/_request_panel.html", takes_context=True)
def parts_panel(context, service_request):
    """The request's parts: what is reserved (and where it comes from), used (charged or
    not) and taken back faulty; forms to reserve, use and take back parts for staff."""
    user = context.get("user")
    base = {"obj": service_request, "user": user, "request": context.get("request")}
    if user is None or not access.can_view_stock(user):
        return {**base, "show": False}
    open_request = service_request.status not in DONE_STATUSES
    return {
        **base,
        "show": True,
        **selectors.request_parts(user, service_request),
        "open_request": open_request,
        "reserve_form": ReserveForm(user=user, prefix="reserve") if open_request else None,
        "use_form": UseForm(user=user, prefix="use") if open_request else None,
        "faulty_form": FaultyForm(user=user, request=service_request, prefix="faulty"),
        "here": context.get("request").get_full_path() if context.get("request") else "",
    }
