"""`/api/v1/campaigns/` (list, read, draw with POST; `{id}/targets/`, `{id}/send/`) and
`/api/v1/campaign-targets/{id}/contact/`. Back office reads and works; managers draw.
Thin: the rules are in `aftersales.care.services`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.care import selectors, services
from aftersales.care.api.serializers import (
    CampaignContactSerializer,
    CampaignSerializer,
    CampaignTargetSerializer,
    DrawSerializer,
)
from aftersales.care.models import CampaignTarget


class MayView(permissions.BasePermission):
    message = _("Only the service team may see campaigns.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CampaignSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]

    def get_queryset(self):
        return selectors.campaign_rows()

    @extend_schema(summary="Draw a campaign", request=DrawSerializer,
                   responses=CampaignSerializer)  # fmt: skip
    def create(self, request):
        data = DrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        campaign = services.draw(fields.pop("kind"), fields.pop("drawn_on"), actor=request.user,
                                 **fields)  # fmt: skip
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The campaign's list", responses=CampaignTargetSerializer(many=True))
    @action(detail=True, methods=["get"])
    def targets(self, request, pk=None):
        rows = selectors.target_rows(self.get_object(), request.query_params.get("status", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CampaignTargetSerializer(page, many=True).data)

    @extend_schema(summary="Send the campaign's message", request=None)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return Response({"sent": services.send_messages(self.get_object(), request.user)})


class TargetViewSet(viewsets.GenericViewSet):
    serializer_class = CampaignTargetSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]
    queryset = CampaignTarget.objects.all()

    @extend_schema(summary="Record a campaign contact", request=CampaignContactSerializer,
                   responses=CampaignTargetSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        target = get_object_or_404(CampaignTarget, pk=pk)
        data = CampaignContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = services.record_contact(target, request.user, **data.validated_data)
        return Response(CampaignTargetSerializer(target).data)
