"""`/api/v1/returns/` (list, read, create, and one action per step: `receive`, `inspect`,
`refund`, `exchange`, `ship`, `reject`, `close`), `/api/v1/return-deductions/`,
`/api/v1/trade-in-rates/`, `/api/v1/trade-in-credits/` (with `use`) and
`POST /api/v1/trade-in/valuation/`.

The back office and partner staff (their center's requests only) read returns; agents and
managers run them; managers override the warranty and change the tables. Thin: every rule
is in `aftersales.returns.services`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.assets.services import find_unit
from aftersales.core.errors import DomainError
from aftersales.core.idempotency import run_once
from aftersales.returns import selectors, services
from aftersales.returns.api import serializers as s
from aftersales.returns.filters import DEFAULT_SORT, ReturnFilter, sort_returns
from aftersales.returns.models import ReturnAuthorisation, TradeInCredit
from aftersales.service import access

IDEMPOTENCY_KEY_MAX = 255


def _once(request, scope: str, create, load):
    """Run `create` once per Idempotency-Key (when the client sends one); a retry gets the
    first answer again. Returns (object, created)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create(), True
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            {
                "Idempotency-Key": [
                    _("The Idempotency-Key may be at most %(max)s characters long.")
                    % {"max": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )
    return run_once(
        user=request.user,
        scope=f"returns-{scope}",
        key=key,
        payload=dict(request.data),
        create=create,
        load=load,
    )


def _replayed(response, created):
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response


class MaySeeReturns(permissions.BasePermission):
    message = _("Only the back office and partner staff may see returns.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


class MayRunReturns(permissions.BasePermission):
    message = _("Only agents and service managers may handle returns and trade-ins.")

    def has_permission(self, request, view):
        return services.can_run(request.user)


def _step(serializer_class, summary):
    return extend_schema(summary=summary, request=serializer_class, responses=s.ReturnSerializer)


@extend_schema_view(
    list=extend_schema(summary="List returns (RMA)"),
    retrieve=extend_schema(summary="Read a return with its history"),
    create=extend_schema(
        summary="Authorise a return of a request's unit",
        request=s.StartSerializer,
        responses={201: s.ReturnSerializer},
    ),
)
class ReturnViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ReturnSerializer
    permission_classes = [permissions.IsAuthenticated, MaySeeReturns]
    filterset_class = ReturnFilter
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        rows = selectors.return_detail(self.request.user)
        if self.action == "list":
            return sort_returns(rows, self.request.query_params.get("sort") or DEFAULT_SORT)
        return rows

    def _answer(self, rma, code=status.HTTP_200_OK):
        rma = selectors.return_detail(self.request.user).get(pk=rma.pk)
        return Response(s.ReturnSerializer(rma).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visible = access.visible_requests(request.user).select_related("unit")
        service_request = visible.filter(number=values["request"]).first()
        if service_request is None:
            raise DomainError(_("No request with this number."), code="not_found", field="request")
        rma, created = _once(
            request,
            "rma",
            lambda: services.authorise(
                request.user,
                service_request,
                kind=values["kind"],
                reason=values["reason"],
                price_paid=values["price_paid"],
                override_reason=values["override_reason"],
            ),
            lambda pk: ReturnAuthorisation.objects.get(pk=pk),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return _replayed(self._answer(rma, code), created)

    def _run(self, request, serializer_class, do):
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return self._answer(do(self.get_object(), request.user, **values))

    @_step(s.ReceiveSerializer, "The returned item arrived: condition, accessories, photos")
    @action(detail=True, methods=["post"])
    def receive(self, request, number=None):
        return self._run(request, s.ReceiveSerializer, services.receive)

    @_step(s.InspectSerializer, "Inspection: fault confirmed or not, customer damage")
    @action(detail=True, methods=["post"])
    def inspect(self, request, number=None):
        return self._run(request, s.InspectSerializer, services.inspect)

    @_step(s.RefundSerializer, "Refund: price paid less deductions, with the method")
    @action(detail=True, methods=["post"])
    def refund(self, request, number=None):
        return self._run(request, s.RefundSerializer, services.refund)

    @_step(s.ExchangeSerializer, "Exchange: register the new unit to the customer")
    @action(detail=True, methods=["post"])
    def exchange(self, request, number=None):
        return self._run(request, s.ExchangeSerializer, services.exchange)

    @_step(s.ShipSerializer, "Depot repair done and shipped back")
    @action(detail=True, methods=["post"])
    def ship(self, request, number=None):
        return self._run(request, s.ShipSerializer, services.ship_repaired)

    @_step(s.RejectSerializer, "Reject the return with a reason the customer sees")
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._run(request, s.RejectSerializer, services.reject)

    @_step(s.CloseSerializer, "Close a return whose outcome is recorded")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._run(request, s.CloseSerializer, services.close)


class _TableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read by agents and managers; written by managers through the service's `save`."""

    permission_classes = [permissions.IsAuthenticated, MayRunReturns]
    save = None

    def perform_create(self, serializer):
        serializer.instance = type(self).save(
            serializer.Meta.model(**serializer.validated_data), self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        serializer.instance = type(self).save(instance, self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List accessory deductions"),
    create=extend_schema(summary="Add an accessory deduction (managers)"),
)
class DeductionViewSet(_TableViewSet):
    serializer_class = s.DeductionSerializer
    save = staticmethod(services.save_deduction)

    def get_queryset(self):
        return selectors.deduction_rows()


@extend_schema_view(
    list=extend_schema(summary="List trade-in rates"),
    create=extend_schema(summary="Add a trade-in rate (managers)"),
)
class TradeInRateViewSet(_TableViewSet):
    serializer_class = s.TradeInRateSerializer
    save = staticmethod(services.save_rate)

    def get_queryset(self):
        return selectors.rate_rows()


def _visible_unit(user, serial):
    unit = find_unit(serial)
    if unit is None or not access.visible_units(user).filter(pk=unit.pk).exists():
        raise DomainError(
            _("No unit with this serial number."), code="not_found", field="serial_number"
        )
    return unit


class ValuationView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayRunReturns]

    @extend_schema(
        summary="Value an old unit for trade-in (by model, age and condition)",
        request=s.ValuationRequestSerializer,
        responses=s.ValuationSerializer,
    )
    def post(self, request):
        data = s.ValuationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = _visible_unit(request.user, data.validated_data["serial_number"])
        found = services.valuation(unit, data.validated_data["condition"])
        return Response(s.ValuationSerializer(found).data)


@extend_schema_view(
    list=extend_schema(summary="List trade-in credits"),
    create=extend_schema(
        summary="Take an old unit in and issue its credit",
        request=s.ValuationRequestSerializer,
        responses={201: s.CreditSerializer},
    ),
)
class TradeInCreditViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.CreditSerializer
    permission_classes = [permissions.IsAuthenticated, MayRunReturns]
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.credit_rows(self.request.user)

    def create(self, request, *args, **kwargs):
        data = s.ValuationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = _visible_unit(request.user, data.validated_data["serial_number"])
        credit, created = _once(
            request,
            "trade-in-credit",
            lambda: services.issue_credit(request.user, unit, data.validated_data["condition"]),
            lambda pk: TradeInCredit.objects.get(pk=pk),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return _replayed(Response(s.CreditSerializer(credit).data, status=code), created)

    @extend_schema(summary="Use a credit on a new purchase", request=s.UseCreditSerializer)
    @action(detail=True, methods=["post"])
    def use(self, request, number=None):
        data = s.UseCreditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        serial = data.validated_data["new_serial"]
        new_unit = _visible_unit(request.user, serial) if serial else None
        credit = services.use_credit(
            request.user,
            self.get_object(),
            new_unit=new_unit,
            reference=data.validated_data["reference"],
        )
        return Response(s.CreditSerializer(credit).data)
