"""The request page's messages card, and how a message's state looks.

On the service request page: `{% load notification_tags %}{% request_messages obj %}`
renders `notifications/_request_messages.html` for people who may read the request's
messages (staff who can see the request), and nothing for anyone else.
"""

from django import template

from aftersales.notifications import selectors, services
from aftersales.notifications.models import Status

register = template.Library()

ICONS = {"email": "bi-envelope", "sms": "bi-chat-text", "wechat": "bi-wechat"}
COLOURS = {
    Status.QUEUED: "secondary",
    Status.SENDING: "info",
    Status.SENT: "success",
    Status.FAILED: "danger",
    Status.CANCELLED: "light",
}


@register.inclusion_tag("notifications/_request_messages.html", takes_context=True)
def request_messages(context, service_request):
    user = context["request"].user
    allowed = services.can_read_messages(user, service_request)
    return {
        "obj": service_request,
        "allowed": allowed,
        "outbox_messages": selectors.messages_for_request(service_request) if allowed else [],
        "can_manage_messages": services.can_manage(user),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def channel_icon(channel: str) -> str:
    return ICONS.get(channel, "bi-send")


@register.filter
def status_colour(message) -> str:
    if message.status == Status.QUEUED and message.attempts:
        return "warning"
    return COLOURS.get(message.status, "secondary")
