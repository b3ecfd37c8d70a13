"""SLA administration pages (calendars and their days, city tiers, policies)."""

from django.urls import path

from aftersales.sla import views

urlpatterns = [
    path("", views.calendar_list, name="home"),
    path("calendars/", views.calendar_list, name="calendar_list"),
    path("calendars/new/", views.calendar_create, name="calendar_create"),
    path("calendars/<slug:code>/", views.calendar_detail, name="calendar_detail"),
    path("calendars/<slug:code>/edit/", views.calendar_edit, name="calendar_edit"),
    path("calendars/<slug:code>/days/", views.day_add, name="day_add"),
    path("calendars/<slug:code>/days/<str:date>/remove/", views.day_remove, name="day_remove"),
    path("cities/", views.city_list, name="city_list"),
    path("cities/new/", views.city_create, name="city_create"),
    path("cities/<int:pk>/", views.city_edit, name="city_edit"),
    path("cities/<int:pk>/delete/", views.city_delete, name="city_delete"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy_edit"),
]
