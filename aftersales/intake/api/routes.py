"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.intake.api.views import (
    DeflectionReportView,
    HelpRequestView,
    InboundMessageViewSet,
)
from aftersales.intake.webhooks import hook

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("help/messages", InboundMessageViewSet, "inbound-message"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("help/requests/", HelpRequestView.as_view(), name="help-requests"),
    path("hooks/<str:provider>/", hook, name="intake-hook"),
    path("kb/deflection-report/", DeflectionReportView.as_view(), name="kb-deflection-report"),
]
