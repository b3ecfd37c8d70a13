"""This app's part of /api/v1/: viewsets for the router and extra paths."""

from django.urls import path

from aftersales.followup.api.views import FollowUpViewSet, SurveyAnswerView, SurveyViewSet

# (prefix, viewset, basename) triples registered on the API router.
ROUTES = [("follow-ups", FollowUpViewSet, "follow-up"), ("surveys", SurveyViewSet, "survey")]
# Plain `path()` entries for views that are not viewsets.
PATHS = [
    path("survey-answers/<str:token>/", SurveyAnswerView.as_view(), name="survey-answer"),
]
