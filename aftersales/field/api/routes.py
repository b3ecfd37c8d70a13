"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.field.api.views import ServiceCenterViewSet, TechnicianViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("service-centers", ServiceCenterViewSet, "service-center"),
    ("technicians", TechnicianViewSet, "technician"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
