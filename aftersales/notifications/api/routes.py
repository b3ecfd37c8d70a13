"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.notifications.api.views import MessageTemplateViewSet, TicketMessagesView

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [("message-templates", MessageTemplateViewSet, "message-template")]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path(
        "tickets/<int:ticket_id>/messages/",
        TicketMessagesView.as_view(),
        name="ticket-messages",
    ),
]
