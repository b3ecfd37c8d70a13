"""`/api/v1/units/`: the installed base. Back-office roles register and edit units;
everyone else reads the units they may see (a customer their own)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.assets.api.filters import UnitFilter
from aftersales.assets.api.serializers import (
    TransferSerializer,
    UnitCreateSerializer,
    UnitSerializer,
    UnitUpdateSerializer,
)
from aftersales.assets.models import Unit
from aftersales.assets.services import (
    register_unit,
    set_unit_status,
    transfer_ownership,
    update_unit,
)
from aftersales.customers.api.views import ManagesCustomersOrReadOnly
from aftersales.service import access


@extend_schema_view(
    list=extend_schema(summary="List units"),
    retrieve=extend_schema(summary="Read a unit, with its warranty dates"),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    permission_classes = [permissions.IsAuthenticated, ManagesCustomersOrReadOnly]
    queryset = Unit.objects.none()  # for the schema; get_queryset decides per user

    def get_queryset(self):
        return access.visible_units(
            self.request.user, Unit.objects.select_related("product", "customer")
        )

    def _read(self, unit, **kwargs):
        return Response(UnitSerializer(unit, context=self.get_serializer_context()).data, **kwargs)

    @extend_schema(
        request=UnitCreateSerializer, responses={201: UnitSerializer}, summary="Register a unit"
    )
    def create(self, request, *args, **kwargs):
        serializer = UnitCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = register_unit(actor=request.user, **serializer.validated_data)
        return self._read(unit, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=UnitUpdateSerializer,
        responses={200: UnitSerializer},
        summary="Change a unit's details or status",
        description="The owner changes with `POST /api/v1/units/{id}/transfer/`.",
    )
    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        serializer = UnitUpdateSerializer(data=request.data, partial=True, context={"unit": unit})
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        new_status = changes.pop("status", None)
        with transaction.atomic():
            unit = update_unit(unit, actor=request.user, **changes)
            if new_status is not None:
                unit = set_unit_status(unit, new_status, actor=request.user)
        return self._read(unit)

    @extend_schema(
        request=TransferSerializer,
        responses={200: UnitSerializer},
        summary="Transfer a unit to a new owner",
        description="The previous and new owner are kept in the unit's history.",
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        unit = self.get_object()
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = transfer_ownership(
            unit,
            data["customer"],
            actor=request.user,
            effective_on=data.get("effective_on"),
            reason=data.get("reason", ""),
        )
        return self._read(unit)
