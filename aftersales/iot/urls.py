"""Remote monitoring (/monitoring/, namespace `iot`)."""

from django.urls import path

from aftersales.iot import views

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/deactivate/", views.rule_deactivate, name="rule_deactivate"),
]
