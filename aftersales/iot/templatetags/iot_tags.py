"""The remote-monitoring panel on the staff unit page (`iot/_unit_panel.html`)."""

from django import template

from aftersales.iot import selectors, services

register = template.Library()


@register.simple_tag(takes_context=True)
def iot_panel(context, unit):
    """Latest readings, open alarms and the chart of `?metric=` over `?period=`; None for
    a viewer who may not see readings or a unit that never reported."""
    request = context.get("request")
    if request is None or not services.can_see_readings(request.user):
        return None
    panel = selectors.unit_panel(
        unit, metric=request.GET.get("metric", ""), period=request.GET.get("period", "")
    )
    return panel if panel["state"] is not None else None
