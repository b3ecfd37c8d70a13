"""Template tags of the training app: its panel on the service request page."""

from django import template

from aftersales.service.choices import Diagnosis
from aftersales.training import suggestions

register = template.Library()


@register.inclusion_tag("training/_request_panel.html", takes_context=True)
def training_panel(context, service_request):
    """On a request diagnosed as an operation error, the courses for operators of its
    unit with "Suggest to customer" (the service team only). Nothing elsewhere, and no
    query unless the diagnosis is an operation error."""
    user = context.get("user")
    shown = {"obj": service_request, "request": context.get("request"), "visible": False}
    if service_request.diagnosis != Diagnosis.OPERATION or not suggestions.can_suggest(user):
        return shown
    return shown | {"visible": True, "courses": suggestions.courses_for(service_request)}
