"""Service network pages (centers, coverage, technicians)."""

from django.urls import path

from aftersales.field import views

urlpatterns = [
    path("", views.center_list, name="home"),
    path("centers/", views.center_list, name="center_list"),
    path("centers/new/", views.center_create, name="center_create"),
    path("centers/<int:pk>/", views.center_detail, name="center_detail"),
    path("centers/<int:pk>/edit/", views.center_edit, name="center_edit"),
    path("technicians/", views.technician_list, name="technician_list"),
    path("technicians/new/", views.technician_create, name="technician_create"),
    path("technicians/<int:pk>/", views.technician_detail, name="technician_detail"),
    path("technicians/<int:pk>/edit/", views.technician_edit, name="technician_edit"),
    path("technicians/<int:pk>/absences/", views.absence_add, name="absence_add"),
    path(
        "technicians/<int:pk>/absences/<int:absence_id>/remove/",
        views.absence_remove,
        name="absence_remove",
    ),
]
