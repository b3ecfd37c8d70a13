"""Template tags of the email channel: where a request's mail came from, on its page."""

from django import template

from aftersales.inbox import selectors, services, threading
from aftersales.service.choices import Channel

register = template.Library()


@register.inclusion_tag("inbox/_request_origin_panel.html", takes_context=True)
def email_origin(context, service_request):
    """On a request that came by email: the sender and mailbox it came from, and that
    replies are emailed. Staff only (the request page is theirs); nothing otherwise."""
    user = context.get("user")
    if (
        user is None
        or service_request.channel != Channel.EMAIL
        or not getattr(user, "may_use_staff_ui", False)
    ):
        return {"visible": False}
    origin = selectors.origin_of(service_request)
    return {
        "visible": True,
        "origin": origin,
        "reply_to": threading.reply_mailbox(service_request),
        "can_read": services.can_read(user),
    }
