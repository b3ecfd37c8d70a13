"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.maintenance.api.views import JobViewSet, PlanViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("maintenance-plans", PlanViewSet, "maintenance-plan"),
    ("maintenance-jobs", JobViewSet, "maintenance-job"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS: list = []
