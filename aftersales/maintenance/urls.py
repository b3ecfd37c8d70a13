"""Preventive maintenance (/maintenance/, namespace `maintenance`)."""

from django.urls import path

from aftersales.maintenance import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("contracts/", views.contract_usage, name="contracts"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
]
