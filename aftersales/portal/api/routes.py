"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.portal.api.views import RegisterUnitView

# (prefix, viewset, basename) triples registered on the API router.
ROUTES: list = []
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("portal/units/register/", RegisterUnitView.as_view(), name="portal-register-unit"),
]
