"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.followup.api.views import FollowUpViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [("follow-ups", FollowUpViewSet, "follow-up")]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
