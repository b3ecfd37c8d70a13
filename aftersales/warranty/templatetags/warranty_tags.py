"""{% warranty_for unit as w %}: a unit's 三包 windows and today's status, for templates."""

from django import template
from django.utils import timezone

from aftersales.warranty.services import STATUS_LABELS, warranty_dates

register = template.Library()

COLOURS = {
    "return": "success",
    "exchange": "success",
    "repair": "primary",
    "expired": "secondary",
    "unknown": "warning",
}


@register.simple_tag
def warranty_for(unit):
    dates = warranty_dates(unit)
    status = dates.status_on(timezone.localdate())
    return {
        "dates": dates,
        "status": status,
        "label": STATUS_LABELS[status],
        "colour": COLOURS[status],
    }
