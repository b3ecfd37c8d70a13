"""Template helpers of the portal's pages, and the invoices panel on the staff unit page."""

from django import template

from aftersales.portal import services
from aftersales.portal.wording import status_words

register = template.Library()


@register.filter
def customer_status(status: str) -> str:
    """A status in the customer's words ("An engineer is taking care of it")."""
    return status_words(status).headline if status else ""


@register.simple_tag(takes_context=True)
def unit_registrations(context, unit):
    """The portal registrations (purchase date claimed, invoice) of `unit` the viewer may see."""
    request = context.get("request")
    if request is None:
        return []
    return list(services.registrations_of(request.user, unit))
