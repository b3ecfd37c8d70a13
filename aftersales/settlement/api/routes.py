"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.dispatch.api.views import VisitViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("visits", VisitViewSet, "visit"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
