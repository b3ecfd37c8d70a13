"""`/api/v1/faults/pareto/` and `/api/v1/faults/failure-rates/`: the fault statistics of
the /faults/ page, with the same filters (`date_from`, `date_to`, `category`, `product`,
`batch` as YYYY-MM); `/api/v1/faults/requests/`: the requests behind one of their numbers,
as on /faults/requests/. Managers, administrators and agents read; others get 403."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.faults import rules, selectors
from aftersales.faults.api import serializers as s
from aftersales.faults.forms import DrilldownForm, FaultFilterForm
from aftersales.service.filters import DEFAULT_SORT, SORTS, sort_requests

SCOPE_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Default: a year before date_to."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Default: today."),
    OpenApiParameter("category", OpenApiTypes.INT),
    OpenApiParameter("product", OpenApiTypes.INT),
    OpenApiParameter("batch", OpenApiTypes.STR, description="Purchase month, YYYY-MM."),
]


class MayReadFaults(permissions.BasePermission):
    message = _("Only managers, administrators and agents may read fault statistics.")

    def has_permission(self, request, view):
        return rules.can_view(request.user)


def _scope(request):
    form = FaultFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.scope()


def _choice(request, name, allowed, default):
    value = request.query_params.get(name) or default
    if value not in allowed:
        raise ValidationError(
            {name: [_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]}
        )
    return value


class FaultParetoView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayReadFaults]

    @extend_schema(
        summary="Pareto of fault codes, components or spare parts used on failures",
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=sorted(selectors.PARETOS),
                description="code (default), component or part",
            ),
            *SCOPE_PARAMETERS,
        ],  # fmt: skip
        responses=s.FaultParetoSerializer,
    )
    def get(self, request):
        by = _choice(request, "by", sorted(selectors.PARETOS), "code")
        scope = _scope(request)
        rows = selectors.PARETOS[by](scope)
        body = {"by": by, "scope": scope, "total": sum(r.count for r in rows), "rows": rows}
        return Response(s.FaultParetoSerializer(body).data)


class FailureRatesView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayReadFaults]

    @extend_schema(
        summary="Failures per 1000 units in the field, per model or batch, with early failures",
        parameters=[
            OpenApiParameter(
                "group",
                OpenApiTypes.STR,
                enum=["batch", "model"],
                description="model (default) or batch (model and purchase month)",
            ),
            *SCOPE_PARAMETERS,
        ],  # fmt: skip
        responses=s.FailureRatesSerializer,
    )
    def get(self, request):
        group = _choice(request, "group", ["batch", "model"], "model")
        scope = _scope(request)
        body = {
            "group": group,
            "scope": scope,
            "early_failure": rules.early_failure(),
            "rows": selectors.failure_rates(scope, by_batch=group == "batch"),
        }
        return Response(s.FailureRatesSerializer(body).data)


DRILLDOWN_PARAMETERS = [
    OpenApiParameter("code", OpenApiTypes.INT, description="A fault code's id (`key` of its "
                     "row in the Pareto by code): the requests with this code."),
    OpenApiParameter("component", OpenApiTypes.STR, description="A component (`key` of its row "
                     "in the Pareto by component; given empty: codes without a component)."),
    OpenApiParameter("part", OpenApiTypes.INT, description="A spare part's id: the failures "
                     "it was used on."),
    OpenApiParameter("early", OpenApiTypes.BOOL, description="Without code, component or "
                     "part: the early failures only."),
    OpenApiParameter("purchase_unknown", OpenApiTypes.BOOL, description="Without code, "
                     "component or part: failures of units without a purchase date."),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS),
                     description=f"Order of the list; default `{DEFAULT_SORT}`."),
]  # fmt: skip


class FaultRequestsView(generics.ListAPIView):
    """The requests behind one number: a fault code's, a component's, a part's, or else the
    scope's failures (a model's or batch's with `product` and `batch`)."""

    permission_classes = [permissions.IsAuthenticated, MayReadFaults]
    serializer_class = s.FaultRequestSerializer
    filter_backends: list = []

    @extend_schema(
        summary="The requests behind a number of the fault statistics",
        parameters=[*SCOPE_PARAMETERS, *DRILLDOWN_PARAMETERS],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = DrilldownForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: list(errors)
                    for name, errors in form.errors.items()
                }
            )
        sort = _choice(self.request, "sort", list(SORTS), DEFAULT_SORT)
        return sort_requests(selectors.listed(form.requests()), sort)
