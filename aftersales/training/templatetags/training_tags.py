"""Template tags of the training app: its panel on the service request page."""

from django import template

from aftersales.service.choices import Diagnosis
from aftersales.training import selectors, suggestions
from aftersales.training.models import Enrolment

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


@register.inclusion_tag("training/_customer_card.html", takes_context=True)
def customer_training(context, customer):
    """The customer page's card: their contacts' latest enrolments and certificates (the
    back office only; one query)."""
    user = context.get("user")
    if not suggestions.can_suggest(user):
        return {"visible": False}
    rows = list(
        Enrolment.objects.filter(customer=customer)
        .select_related("session__course", "contact", "certificate")
        .order_by("-session__starts_at", "-id")[:10]
    )
    return {"visible": True, "rows": rows}


@register.inclusion_tag("training/_portal_certificates.html", takes_context=True)
def portal_certificates(context):
    """The portal's "My training certificates" list; nothing when there are none."""
    user = context.get("user")
    rows = list(selectors.visible_certificates(user)[:20]) if user is not None else []
    return {"rows": rows}
