"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.care.api.key_account_views import KeyAccountDetailView, KeyAccountListView
from aftersales.care.api.views import CampaignViewSet, TargetViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("campaigns", CampaignViewSet, "campaign"),
    ("campaign-targets", TargetViewSet, "campaign-target"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("key-accounts/", KeyAccountListView.as_view(), name="key-accounts"),
    path("key-accounts/<int:pk>/", KeyAccountDetailView.as_view(), name="key-account"),
]
