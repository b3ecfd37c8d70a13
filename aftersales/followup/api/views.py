"""`/api/v1/follow-ups/` (list with `?view=due|open|done|all`, read) and
`/api/v1/follow-ups/{id}/record/` (one call and its outcome), `…/send-survey/`;
`/api/v1/surveys/` (read); agents, dispatchers and managers only. And the customer's
answer without login: `POST /api/v1/survey-answers/<token>/` (the token of the link).
Thin: the rules are in `aftersales.followup.services` and `surveys`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.followup import selectors, services, surveys
from aftersales.followup.api.serializers import (
    FollowUpSerializer,
    RecordSerializer,
    SurveyAnswerSerializer,
    SurveySerializer,
)


class MayWork(permissions.BasePermission):
    message = _("Only service agents and managers may see follow-up calls.")

    def has_permission(self, request, view):
        return services.can_work(request.user)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FollowUpSerializer
    permission_classes = [permissions.IsAuthenticated, MayWork]

    def get_queryset(self):
        view = self.request.query_params.get("view", "all")
        return selectors.queue(self.request.user, view if view in selectors.VIEWS else "all")

    @extend_schema(summary="Record a follow-up call", request=RecordSerializer,
                   responses=FollowUpSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        followup = self.get_object()
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followup = services.record(followup, request.user, **data.validated_data)
        return Response(FollowUpSerializer(followup).data)

    @extend_schema(summary="Send the survey link instead of calling", request=None,
                   responses=SurveySerializer)  # fmt: skip
    @action(detail=True, methods=["post"], url_path="send-survey")
    def send_survey(self, request, pk=None):
        survey = surveys.send_instead_of_calling(self.get_object(), request.user)
        return Response(SurveySerializer(survey).data)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Surveys sent and their answers (`?answered=1`, `?low=1`)."""

    serializer_class = SurveySerializer
    permission_classes = [permissions.IsAuthenticated, MayWork]

    def get_queryset(self):
        rows = surveys.visible_surveys(self.request.user).select_related("request")
        params = self.request.query_params
        if params.get("answered") == "1":
            rows = rows.filter(answered_at__isnull=False)
        if params.get("low") == "1":
            rows = rows.filter(low_score=True)
        return rows


class SurveyAnswerView(APIView):
    """The customer's answer by API (e.g. from a mini-program), with the link's token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(summary="Answer a survey with its link's token", request=SurveyAnswerSerializer,
                   responses=SurveySerializer)  # fmt: skip
    def post(self, request, token):
        data = SurveyAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survey = surveys.answer(token, **data.validated_data)
        return Response({"answered_at": survey.answered_at, "low_score": survey.low_score})
