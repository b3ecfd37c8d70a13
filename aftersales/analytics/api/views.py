"""GET /api/v1/quality/kpis/: the dashboard's figures as JSON, with the same filters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.analytics import access, kpis
from aftersales.analytics.forms import KpiFilterForm


class MayReadQuality(permissions.BasePermission):
    def has_permission(self, request, view):
        return access.can_view_scorecard(request.user)


_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: 90 days ago)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today)"),
    *(
        OpenApiParameter(name, OpenApiTypes.INT)
        for name in ("team", "center", "technician", "category", "product")
    ),
    OpenApiParameter("center_kind", OpenApiTypes.STR, enum=["own", "partner"]),
    OpenApiParameter("channel", OpenApiTypes.STR),
    OpenApiParameter("city_tier", OpenApiTypes.STR),
]


class QualityKpisView(APIView):
    """Every KPI over the filter. Technicians and partner staff get their own scorecard's
    figures whatever they ask; cost and revenue are for managers."""

    permission_classes = [permissions.IsAuthenticated, MayReadQuality]

    @extend_schema(
        summary="Service-quality KPIs",
        parameters=_PARAMETERS,
        responses=inline_serializer(
            "QualityKpis",
            {
                "filter": serializers.DictField(),
                "kpis": serializers.DictField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        user = request.user
        form = KpiFilterForm(request.query_params, scoped=not user.is_back_office)
        if not form.is_valid():
            raise ValidationError(form.errors)
        flt = access.restrict(user, form.to_filter())
        values = kpis.compute_all(flt, access.kpi_names(user, kpis.KPIS))
        return Response(
            {
                "filter": {
                    "start": flt.start,
                    "end": flt.end,
                    **{
                        key: getattr(flt, key) or None
                        for key in (
                            "team",
                            "center",
                            "center_kind",
                            "technician",
                            "category",
                            "product",
                            "channel",
                            "city_tier",
                        )  # fmt: skip
                    },
                },
                "kpis": {name: kpi.as_dict() for name, kpi in values.items()},
            }
        )
