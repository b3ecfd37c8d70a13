"""Template helpers of the SLA pages."""

from django import template

from aftersales.sla.models import PRIORITY_ORDER
from aftersales.sla.services import duration_text

register = template.Library()


@register.filter
def minutes(value) -> str:
    """240 → "4 h", 90 → "1 h 30 min"."""
    if value in (None, ""):
        return ""
    return duration_text(int(value))


@register.filter
def by_priority(targets):
    """A policy's targets, most urgent first."""
    order = {priority: index for index, priority in enumerate(PRIORITY_ORDER)}
    return sorted(targets, key=lambda target: order.get(target.priority, len(order)))
