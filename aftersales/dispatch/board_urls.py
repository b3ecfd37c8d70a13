"""The dispatcher's board (/dispatch/, namespace `board`)."""

from django.urls import path

from aftersales.dispatch import board_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("centers/<int:pk>/", views.day, name="day"),
    path("centers/<int:pk>/plan/", views.plan, name="plan"),
    path("centers/<int:pk>/map/", views.map_view, name="map"),
    path("visits/<int:pk>/move/", views.move, name="move"),
    path("visits/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("visits/<int:pk>/assign/", views.assign, name="assign"),
]
