"""This app's part of /api/v1/ beyond auth/token/ and auth/me/ (registered in api_urls)."""

from django.urls import path

from aftersales.accounts.api.portal_logins import PortalLoginViewSet
from aftersales.accounts.api.signup import SignupResendView, SignupVerifyView, SignupView

# (prefix, viewset, basename) triples for the API router.
ROUTES = [("portal-logins", PortalLoginViewSet, "portal-login")]
PATHS = [
    path("auth/signup/", SignupView.as_view(), name="api-signup"),
    path("auth/signup/resend/", SignupResendView.as_view(), name="api-signup-resend"),
    path("auth/signup/verify/", SignupVerifyView.as_view(), name="api-signup-verify"),
]
