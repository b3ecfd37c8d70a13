"""The complaints pages (/complaints/, namespace `complaints`)."""

from django.urls import path

from aftersales.complaints import views

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("export/<str:fmt>/", views.complaint_export, name="export"),
    path("new/", views.complaint_new, name="new"),
    path("<str:number>/adopt/", views.complaint_adopt, name="adopt"),
    path("<str:number>/apology/", views.complaint_apology, name="apology"),
    path("<str:number>/cause/", views.complaint_cause, name="cause"),
    path("<str:number>/sign-off/", views.complaint_sign_off, name="sign_off"),
]
