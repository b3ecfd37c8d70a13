"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.care.api.views import CampaignViewSet, TargetViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("campaigns", CampaignViewSet, "campaign"),
    ("campaign-targets", TargetViewSet, "campaign-target"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
