"""This app's part of /api/v1/: viewsets for the router and extra paths."""

# (prefix, viewset, basename) triples registered on the API router.
ROUTES: list = []
# Plain `path()` entries for views that are not viewsets.
PATHS: list = []
