"""`/api/v1/follow-ups/` (list with `?view=due|open|done|all`, read) and
`/api/v1/follow-ups/{id}/record/` (one call and its outcome). Agents, dispatchers and
managers only; thin: the rules are in `aftersales.followup.services`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.followup import selectors, services
from aftersales.followup.api.serializers import FollowUpSerializer, RecordSerializer


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
