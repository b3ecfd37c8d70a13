"""Template tags of the complaints app: its panel on the service request page."""

from django import template

register = template.Library()


@register.inclusion_tag("complaints/_request_panel.html", takes_context=True)
def complaints_panel(context, service_request):
    """The complaint panel on the request page (empty until the app has something to show)."""
    return {"obj": service_request, "user": context.get("user"), "request": context.get("request")}
