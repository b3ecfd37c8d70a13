"""Fault statistics (/faults/, namespace `faults`)."""

from django.urls import path

from aftersales.faults import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("requests/", views.requests_behind, name="requests"),
    path("export/<str:table>/<str:fmt>/", views.export, name="export"),
]
