"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.kb.api.views import ArticleViewSet, DeflectionView, SuggestionsView

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [
    ("kb/articles", ArticleViewSet, "kb-article"),
]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("kb/suggestions/", SuggestionsView.as_view(), name="kb-suggestions"),
    path("kb/deflections/", DeflectionView.as_view(), name="kb-deflections"),
]
