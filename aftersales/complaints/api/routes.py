"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.complaints.api.views import ComplaintViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("complaints", ComplaintViewSet, "complaint"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
