"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.sla.api.views import CalendarViewSet, CityTierViewSet, PolicyViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("sla-calendars", CalendarViewSet, "sla-calendar"),
    ("city-tiers", CityTierViewSet, "city-tier"),
    ("sla-policies", PolicyViewSet, "sla-policy"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = []
