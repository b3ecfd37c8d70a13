"""Training (/training/, namespace `training`)."""

from django.urls import path

from aftersales.training import views

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<int:pk>/", views.course_edit, name="course_edit"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="enrol"),
    path("sessions/<int:pk>/marks/", views.session_marks, name="marks"),
    path("sessions/<int:pk>/certify/", views.session_certify, name="certify"),
    path("sessions/<int:pk>/open/", views.session_open, name="open"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("certificates/<str:number>.pdf", views.certificate_pdf, name="certificate"),
    path("impact/", views.impact, name="impact"),
    path("requests/<str:number>/suggest/", views.suggest, name="suggest"),
]
