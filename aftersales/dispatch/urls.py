"""The visit pages (/visits/, namespace `dispatch`): the technician's day and one visit."""

from django.urls import path

from aftersales.dispatch import views

urlpatterns = [
    path("", views.today, name="today"),
    path("<int:pk>/", views.visit, name="visit"),
    path("<int:pk>/start-travel/", views.start_travel, name="start_travel"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/check-out/", views.check_out, name="check_out"),
    path("<int:pk>/photo/", views.add_photo, name="photo"),
    path("<int:pk>/form.pdf", views.form_pdf, name="pdf"),
    path("book/<str:number>/", views.book, name="book"),
]
