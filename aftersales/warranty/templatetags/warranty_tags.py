"""{% warranty_for unit as w %}: a unit's 三包 windows and today's status, for templates."""

from django import template
from django.utils import timezone

from aftersales.warranty.decision import PolicyBook
from aftersales.warranty.services import STATUS_LABELS, warranty_dates

register = template.Library()

COLOURS = {
    "return": "success",
    "exchange": "success",
    "repair": "primary",
    "expired": "secondary",
    "unknown": "warning",
}


@register.simple_tag(takes_context=True)
def warranty_for(context, unit):
    # One read of the policies per page, however many units it lists.
    request = context.get("request")
    book = getattr(request, "_policy_book", None)
    if book is None:
        book = PolicyBook()
        if request is not None:
            request._policy_book = book
    dates = warranty_dates(unit, book)
    status = dates.status_on(timezone.localdate())
    return {
        "dates": dates,
        "status": status,
        "label": STATUS_LABELS[status],
        "colour": COLOURS[status],
    }


REMEDY_COLOURS = {"refund": "danger", "exchange": "warning", "repair": "primary"}
STATUS_COLOURS = {
    "in_warranty": "success",
    "extended": "success",
    "contract": "success",
    "expired": "secondary",
    "unknown": "warning",
}


@register.inclusion_tag("warranty/_decision_badges.html")
def decision_badges(decision):
    """Status, free or chargeable, and the remedies, as badges an agent reads at a glance."""
    from aftersales.warranty.models import Remedy

    return {
        "decision": decision,
        "status_colour": STATUS_COLOURS.get(decision.warranty_status, "secondary"),
        "remedies": [
            (Remedy(r).label, REMEDY_COLOURS.get(r, "secondary"))
            for r in decision.eligible_remedies
        ],
    }
