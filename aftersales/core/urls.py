from django.urls import path

from aftersales.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
