"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.analytics.api.reports import QualityReportViewSet
from aftersales.analytics.api.views import QualityKpisView

# (prefix, viewset, basename) triples registered on the API router.
ROUTES: list = [("quality/reports", QualityReportViewSet, "quality-report")]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("quality/kpis/", QualityKpisView.as_view(), name="quality-kpis"),
]
