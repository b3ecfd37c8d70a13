"""`/api/v1/settlement-statements/` (with `build/`, `{id}/approve/`, `{id}/lines/`) and
`/api/v1/settlement-rates/` (read), `/api/v1/settlement-piece-work/` (read).

Managers read every statement and build and approve them; partner staff read their own
center's; everyone else is refused. Thin: every rule is in `aftersales.settlement.services`.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.settlement import selectors, services
from aftersales.settlement.api.serializers import (
    BuildSerializer,
    FeeRateSerializer,
    LineSerializer,
    PieceWorkSerializer,
    StatementSerializer,
)
from aftersales.settlement.filters import StatementFilter


class MaySeeSettlement(permissions.BasePermission):
    message = _("Only service managers and partner staff may see partner settlement.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


@extend_schema_view(
    list=extend_schema(summary="List partner statements"),
    retrieve=extend_schema(summary="Read a partner statement"),
)
class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = StatementSerializer
    permission_classes = [permissions.IsAuthenticated, MaySeeSettlement]
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter

    def get_queryset(self):
        return selectors.statement_rows(self.request.user)

    @extend_schema(
        summary="Build or refresh a month's draft statement (managers)",
        request=BuildSerializer,
        responses=StatementSerializer,
    )
    @action(detail=False, methods=["post"])
    def build(self, request):
        data = BuildSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = services.parse_month(data.validated_data["month"])
        statement = services.build_statement(data.validated_data["center"], month, request.user)
        return Response(StatementSerializer(statement).data, status=status.HTTP_200_OK)

    @extend_schema(summary="Approve a draft statement (managers)", request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        statement = services.approve(self.get_object(), request.user)
        return Response(StatementSerializer(statement).data)

    @extend_schema(summary="The statement's visit lines", responses=LineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def lines(self, request, pk=None):
        page = self.paginate_queryset(selectors.statement_lines(self.get_object()))
        return self.get_paginated_response(LineSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List fee rates"),
    retrieve=extend_schema(summary="Read a fee rate"),
)
class FeeRateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FeeRateSerializer
    permission_classes = [permissions.IsAuthenticated, MaySeeSettlement]

    def get_queryset(self):
        return selectors.rate_rows(self.request.user)


class PieceWorkView(APIView):
    """`GET /api/v1/settlement-piece-work/?month=YYYY-MM`: per technician, the visits paid
    at a piece rate in the month and their total (managers: all; partner staff: theirs)."""

    permission_classes = [permissions.IsAuthenticated, MaySeeSettlement]

    @extend_schema(
        summary="Piece work of a month per technician", responses=PieceWorkSerializer(many=True)
    )
    def get(self, request):
        text = request.query_params.get("month", "")
        month = services.parse_month(text) if text else services.month_of(timezone.localdate())
        rows = selectors.piece_work(request.user, month)
        return Response(PieceWorkSerializer(rows, many=True).data)
