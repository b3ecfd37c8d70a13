"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.parts.api.views import (
    DefectiveViewSet,
    LevelViewSet,
    LocationViewSet,
    MoveViewSet,
    ReservationViewSet,
    UsageViewSet,
)

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("stock-locations", LocationViewSet, "stock-location"),
    ("stock-levels", LevelViewSet, "stock-level"),
    ("stock-moves", MoveViewSet, "stock-move"),
    ("stock-reservations", ReservationViewSet, "stock-reservation"),
    ("part-usages", UsageViewSet, "part-usage"),
    ("defective-parts", DefectiveViewSet, "defective-part"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
