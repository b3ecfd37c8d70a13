"""Follow-up calls (/follow-ups/, namespace `followup`)."""

from django.urls import path

from aftersales.followup import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/send-survey/", views.send_survey, name="send_survey"),
]
