"""The customer page's card of portal logins: who has one, invite another, deactivate."""

from django import template

from aftersales.accounts import invitations, selectors

register = template.Library()


@register.inclusion_tag("accounts/includes/portal_logins_card.html", takes_context=True)
def portal_logins(context, customer):
    user = context["request"].user
    if not invitations.can_invite(user):
        return {"show": False}
    logins = list(selectors.customer_logins(customer))
    for login in logins:
        login.portal_state = selectors.login_state(login)
    return {
        "show": True,
        "customer": customer,
        "logins": logins,
        "targets": invitations.targets(customer, context.get("contacts")),
        "valid_days": invitations.VALID_DAYS,
        "can_deactivate": invitations.can_deactivate(user),
        "csrf_token": context.get("csrf_token"),
    }
