"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.faults.api.views import FailureRatesView, FaultParetoView, FaultRequestsView

# (prefix, viewset, basename) triples registered on the API router.
ROUTES: list = []
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("faults/pareto/", FaultParetoView.as_view(), name="faults-pareto"),
    path("faults/failure-rates/", FailureRatesView.as_view(), name="faults-failure-rates"),
    path("faults/requests/", FaultRequestsView.as_view(), name="faults-requests"),
]
