"""`GET /api/v1/quality/reports/` (the monthly quality reports one may read) and
`GET /api/v1/quality/reports/{id}/pdf/` (one as PDF). Same rules as the reports page:
the back office reads every center's, partner staff their own center's; only the back
office sees to whom each was mailed. Thin: the rules are in `reports_services`."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action

from aftersales.analytics import reports_services
from aftersales.analytics.models import QualityReport, QualityReportDelivery
from aftersales.analytics.report_views import report_rows


class MayReadReports(permissions.BasePermission):
    message = gettext_lazy("Only the back office and partner staff may read quality reports.")

    def has_permission(self, request, view):
        return reports_services.can_view_reports(request.user)


class ReportMailSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")

    class Meta:
        model = QualityReportDelivery
        fields = ["user", "to_address", "status", "attempts", "sent_at", "last_error"]


class QualityReportSerializer(serializers.ModelSerializer):
    center = serializers.SerializerMethodField()
    month = serializers.DateField(format="%Y-%m")
    pdf_url = serializers.SerializerMethodField()
    mailed_to = serializers.SerializerMethodField()

    class Meta:
        model = QualityReport
        fields = [
            "id", "center", "month", "language", "status", "error", "requested_at",
            "generated_at", "pdf_size", "pdf_url", "mailed_to",
        ]  # fmt: skip

    def get_center(self, report) -> dict:
        return {"id": report.center_id, "code": report.center.code, "name": report.center.name}

    def get_pdf_url(self, report) -> str | None:
        if not report.has_pdf:
            return None
        request = self.context.get("request")
        path = f"/api/v1/quality/reports/{report.pk}/pdf/"
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(ReportMailSerializer(many=True, allow_null=True))
    def get_mailed_to(self, report) -> list[dict] | None:
        """To whom it was mailed and how that went (back office only; else null)."""
        request = self.context.get("request")
        if request is None or not request.user.is_back_office:
            return None
        return ReportMailSerializer(report.deliveries.all(), many=True).data


@extend_schema_view(
    list=extend_schema(summary="List monthly quality reports"),
    retrieve=extend_schema(summary="Read a monthly quality report's details"),
)
class QualityReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QualityReportSerializer
    permission_classes = [permissions.IsAuthenticated, MayReadReports]
    filter_backends: list = []

    def get_queryset(self):
        return report_rows(self.request.user)

    @extend_schema(
        summary="Download a monthly quality report as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        report = self.get_object()
        if not report.has_pdf:
            raise Http404(_("This report has not been generated yet."))
        response = HttpResponse(reports_services.pdf_of(report), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{reports_services.file_name(report)}"'
        )
        return response
