"""The customer's survey page behind its signed link (/s/<token>/, namespace `survey`)."""

from django.urls import path

from aftersales.followup import survey_views

urlpatterns = [path("s/<str:token>/", survey_views.answer, name="answer")]
