"""`/api/v1/stock-locations/`, `stock-levels/` (with `replenishment/`), `stock-moves/`,
`stock-reservations/` (with `{id}/receive/`, `{id}/release/`, `{id}/use/`), `part-usages/`
and `defective-parts/` (with `{id}/close/`, `{id}/claim/`).

Back office and field staff only; partner staff see their own center's locations,
technicians their van (see `aftersales.parts.access`). Thin: every rule is in
`aftersales.parts.services`.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aftersales.core.idempotency import run_once
from aftersales.parts import access, selectors, services
from aftersales.parts.api.serializers import (
    ClaimInputSerializer,
    CloseDefectiveInputSerializer,
    DefectiveSerializer,
    FaultyInputSerializer,
    LevelSerializer,
    LocationSerializer,
    MoveInputSerializer,
    MoveSerializer,
    ReplenishmentSerializer,
    ReservationSerializer,
    ReserveInputSerializer,
    UsageSerializer,
    UseInputSerializer,
)
from aftersales.parts.filters import (
    DefectiveFilter,
    MoveFilter,
    ReservationFilter,
    StockLevelFilter,
)
from aftersales.parts.models import DefectivePart, MoveKind, PartUsage, Reservation, StockMove

IDEMPOTENCY_KEY_MAX = 255


class MaySeeStock(permissions.BasePermission):
    message = _("Only staff and technicians may see spare-part stock.")

    def has_permission(self, request, view):
        return access.can_view_stock(request.user)


class _Base(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, MaySeeStock]
    filter_backends = [DjangoFilterBackend]

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _once(self, scope: str, model, create, serializer_class):
        """Run `create` once per Idempotency-Key (when the client sends one): a retry gets
        the first answer again (200, `Idempotent-Replayed: true`) instead of a second move."""
        key = self.request.headers.get("Idempotency-Key", "").strip()
        if not key:
            obj, created = create(), True
        else:
            if len(key) > IDEMPOTENCY_KEY_MAX:
                raise ValidationError(
                    {
                        "Idempotency-Key": [
                            _("The Idempotency-Key may be at most %(max)s characters long.")
                            % {"max": IDEMPOTENCY_KEY_MAX}
                        ]
                    }
                )
            obj, created = run_once(
                user=self.request.user,
                scope=f"parts-{scope}",
                key=key,
                payload=dict(self.request.data),
                create=create,
                load=lambda pk: model.objects.get(pk=pk),
            )
        response = Response(
            serializer_class(model.objects.get(pk=obj.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


@extend_schema_view(
    list=extend_schema(summary="List the stock locations you may see"),
    retrieve=extend_schema(summary="Read a stock location"),
)
class LocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    serializer_class = LocationSerializer

    def get_queryset(self):
        return selectors.location_rows(self.request.user).order_by("kind", "code")


@extend_schema_view(
    list=extend_schema(
        summary="List stock levels (filter by part, location, below reorder point; sort)"
    ),
    retrieve=extend_schema(summary="Read a stock level"),
)
class LevelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    serializer_class = LevelSerializer
    filterset_class = StockLevelFilter

    def get_queryset(self):
        return selectors.level_rows(self.request.user).order_by(
            "location__code", "part__part_number"
        )

    @extend_schema(
        summary="Reorder points below their minimum, with the quantity to send",
        responses=ReplenishmentSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def replenishment(self, request):
        rows, _source = selectors.replenishment(request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReplenishmentSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List the stock ledger"),
    retrieve=extend_schema(summary="Read a stock move"),
    create=extend_schema(
        summary="Record a receipt, transfer, scrap or stocktake",
        request=MoveInputSerializer,
        responses={201: MoveSerializer},
    ),
)
class MoveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base):
    serializer_class = MoveSerializer
    filterset_class = MoveFilter

    def get_queryset(self):
        return selectors.move_rows(self.request.user).order_by("-at", "-pk")

    def create(self, request, *args, **kwargs):
        data = self._input(MoveInputSerializer)

        def make():
            return services.record_move(
                data["kind"],
                data["part"],
                data["quantity"],
                actor=request.user,
                from_location=data.get("from_location"),
                to_location=data.get("to_location"),
                reference=data.get("reference", ""),
                note=data.get("note", ""),
            )

        if data["kind"] == MoveKind.ADJUST:
            # A stocktake sets an absolute count: repeating it changes nothing.
            move = make()
            if move is None:  # the count matched
                return Response(status=status.HTTP_204_NO_CONTENT)
            return Response(
                MoveSerializer(StockMove.objects.get(pk=move.pk)).data,
                status=status.HTTP_201_CREATED,
            )
        return self._once("move", StockMove, make, MoveSerializer)


@extend_schema_view(
    list=extend_schema(summary="List reservations of parts for requests"),
    retrieve=extend_schema(summary="Read a reservation"),
    create=extend_schema(
        summary="Reserve a part for a request (optionally coming from another location)",
        request=ReserveInputSerializer,
        responses={201: ReservationSerializer},
    ),
)
class ReservationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base
):
    serializer_class = ReservationSerializer
    filterset_class = ReservationFilter

    def get_queryset(self):
        return selectors.reservation_rows(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = self._input(ReserveInputSerializer)
        return self._once(
            "reservation",
            Reservation,
            lambda: services.reserve(
                data["part"],
                data["location"],
                data["quantity"],
                request=data["request"],
                actor=request.user,
                visit=data.get("visit"),
                source=data.get("source"),
                wait=data["wait"],
                note=data.get("note", ""),
            ),
            ReservationSerializer,
        )

    def _answer(self, reservation):
        return Response(ReservationSerializer(Reservation.objects.get(pk=reservation.pk)).data)

    @extend_schema(
        summary="The awaited parts arrived at the reservation's location",
        request=None,
        responses=ReservationSerializer,
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._answer(services.receive_reservation(self.get_object(), actor=request.user))

    @extend_schema(
        summary="Give the reserved parts back to stock",
        request=None,
        responses=ReservationSerializer,
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._answer(services.release(self.get_object(), actor=request.user))

    @extend_schema(
        summary="Record the reserved parts as used on the request",
        request=None,
        responses=UsageSerializer,
    )
    @action(detail=True, methods=["post"])
    def use(self, request, pk=None):
        reservation = self.get_object()
        usage = services.consume(
            request=reservation.request, actor=request.user, reservation=reservation
        )
        return Response(UsageSerializer(usage).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List parts used on requests"),
    retrieve=extend_schema(summary="Read a part used"),
    create=extend_schema(
        summary="Record a part used on a request, from a van or center stock",
        request=UseInputSerializer,
        responses={201: UsageSerializer},
    ),
)
class UsageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base
):
    serializer_class = UsageSerializer

    def get_queryset(self):
        rows = selectors.usage_rows(self.request.user).order_by("-at", "-pk")
        number = self.request.query_params.get("request")
        return rows.filter(request__number=number) if number else rows

    def create(self, request, *args, **kwargs):
        data = self._input(UseInputSerializer)
        return self._once(
            "usage",
            PartUsage,
            lambda: services.consume(
                data["part"],
                data["location"],
                data["quantity"],
                request=data["request"],
                actor=request.user,
                visit=data.get("visit"),
                note=data.get("note", ""),
            ),
            UsageSerializer,
        )


@extend_schema_view(
    list=extend_schema(summary="List faulty parts taken back (旧件)"),
    retrieve=extend_schema(summary="Read a faulty part"),
    create=extend_schema(
        summary="Take a faulty part back to the center's defective stock",
        request=FaultyInputSerializer,
        responses={201: DefectiveSerializer},
    ),
)
class DefectiveViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base
):
    serializer_class = DefectiveSerializer
    filterset_class = DefectiveFilter

    def get_queryset(self):
        return selectors.defective_rows(self.request.user).order_by("-received_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = self._input(FaultyInputSerializer)
        return self._once(
            "defective",
            DefectivePart,
            lambda: services.return_faulty(
                data["part"],
                request=data["request"],
                center=data["center"],
                actor=request.user,
                serial_number=data.get("serial_number", ""),
                visit=data.get("visit"),
                fault=data.get("fault", ""),
            ),
            DefectiveSerializer,
        )

    @extend_schema(
        summary="Returned to the supplier or scrapped (managers)",
        request=CloseDefectiveInputSerializer,
        responses=DefectiveSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self._input(CloseDefectiveInputSerializer)
        defective = services.close_defective(
            self.get_object(),
            data["outcome"],
            actor=request.user,
            reference=data.get("reference", ""),
            vendor_claim=data.get("vendor_claim"),
        )
        return Response(DefectiveSerializer(defective).data)

    @extend_schema(
        summary="The vendor recovery claim citing this part (managers)",
        request=ClaimInputSerializer,
        responses=DefectiveSerializer,
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        data = self._input(ClaimInputSerializer)
        defective = services.link_claim(self.get_object(), data["vendor_claim"], actor=request.user)
        return Response(DefectiveSerializer(defective).data)
