"""Service network pages (centers, coverage, technicians)."""

from django.urls import path  # noqa: F401

urlpatterns = []
