"""Follow-up calls (/follow-ups/, namespace `followup`)."""

from django.urls import path

from aftersales.followup import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/send-survey/", views.send_survey, name="send_survey"),
]
