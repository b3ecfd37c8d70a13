"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.returns.api.views import (
    DeductionViewSet,
    ReturnViewSet,
    TradeInCreditViewSet,
    TradeInRateViewSet,
    ValuationView,
)

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("returns", ReturnViewSet, "return"),
    ("return-deductions", DeductionViewSet, "return-deduction"),
    ("trade-in-rates", TradeInRateViewSet, "trade-in-rate"),
    ("trade-in-credits", TradeInCreditViewSet, "trade-in-credit"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("trade-in/valuation/", ValuationView.as_view(), name="api-trade-in-valuation"),
]
