from django.urls import path

from aftersales.analytics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("me/", views.scorecard, name="me"),
    path("partners/", views.partners, name="partners"),
    path("requests/", views.requests_behind, name="requests"),
]
