"""Template tags of the care app: how often we are in touch with a customer."""

from django import template

from aftersales.care.selectors import contact_summary

register = template.Library()


@register.inclusion_tag("care/_contact_summary.html")
def contact_card(customer):
    """Contacts with the customer in the last year and the last one (any channel)."""
    return {"summary": contact_summary(customer), "customer": customer}
