"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.settlement.api.views import FeeRateViewSet, PieceWorkView, StatementViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("settlement-statements", StatementViewSet, "settlement-statement"),
    ("settlement-rates", FeeRateViewSet, "settlement-rate"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = [path("settlement-piece-work/", PieceWorkView.as_view(), name="settlement-piece-work")]
