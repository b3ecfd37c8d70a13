"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from aftersales.training.api.views import (
    CertificateViewSet,
    CourseViewSet,
    EnrolmentViewSet,
    SessionViewSet,
)

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("training/courses", CourseViewSet, "training-course"),
    ("training/sessions", SessionViewSet, "training-session"),
    ("training/enrolments", EnrolmentViewSet, "training-enrolment"),
    ("training/certificates", CertificateViewSet, "training-certificate"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS: list = []
