"""The JSON side of the intake app: `POST /api/v1/help/requests/` (a company website's own
help form; no login, throttled, same rules as /help/), the log of webhook messages for the
back office, and the deflection report. Thin: the rules are in services."""

import secrets

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from aftersales.core.http import client_ip
from aftersales.intake import guards, selectors, services
from aftersales.intake.api.serializers import (
    DeflectionReportSerializer,
    HelpRequestCreatedSerializer,
    HelpRequestSerializer,
    InboundMessageSerializer,
)
from aftersales.intake.models import InboundMessage


class HelpRequestThrottle(AnonRateThrottle):
    """Per client IP, at `INTAKE_API_RATE`; the IP as the web server saw it (a client's
    own X-Forwarded-For is not trusted)."""

    scope = "intake_help"

    def get_rate(self):
        from django.conf import settings

        return settings.INTAKE_API_RATE

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)


def _allowed(check):
    class Allowed(permissions.BasePermission):
        def has_permission(self, request, view):
            return check(request.user)

    return Allowed


class HelpRequestView(APIView):
    """Open a request from a website's help form. Send `Idempotency-Key` to make a retry
    return the first request instead of a second one."""

    authentication_classes: list = []  # anonymous by design: no session, no CSRF
    permission_classes = [permissions.AllowAny]
    throttle_classes = [HelpRequestThrottle]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        summary="Open a request from a website's help form",
        request=HelpRequestSerializer,
        responses={201: HelpRequestCreatedSerializer, 200: HelpRequestCreatedSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        data = HelpRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        guards.check_content(honeypot=fields["website"], description=fields["description"])
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        help_request, created = services.submit_help(
            services.HelpRequest(
                description=fields["description"], name=fields["name"], phone=fields["phone"],
                email=fields["email"], serial_number=fields["serial_number"],
                photos=list(fields["photos"]), language=request.LANGUAGE_CODE,
            ),
            # Without a key each post is its own request.
            key=guards.submission_key("api", key or f"once:{secrets.token_hex(16)}"),
            ip=client_ip(request),
        )  # fmt: skip
        body = HelpRequestCreatedSerializer({"number": help_request.number, "created": created})
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(body.data, status=code)


class InboundMessageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The log of webhook messages and what became of each; back office only."""

    serializer_class = InboundMessageSerializer
    permission_classes = [permissions.IsAuthenticated, _allowed(services.can_read_inbound)]

    def get_queryset(self):
        rows = InboundMessage.objects.select_related("request").order_by("-received_at", "-pk")
        for name in ("provider", "outcome"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{name: self.request.query_params[name]})
        return rows

    @extend_schema(
        parameters=[
            OpenApiParameter("provider", str, enum=["wechat", "sms", "chat"]),
            OpenApiParameter("outcome", str, enum=["created", "added", "ignored"]),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class DeflectionReportView(APIView):
    """Deflections per article and source in a period (default: the last 30 days)."""

    permission_classes = [permissions.IsAuthenticated, _allowed(services.can_read_deflections)]

    @extend_schema(
        summary="Deflection report",
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses=DeflectionReportSerializer,
    )
    def get(self, request):
        date_from, date_to = selectors.default_period()
        for name in ("date_from", "date_to"):
            raw = request.query_params.get(name, "")
            try:
                value = parse_date(raw) if raw else None
            except ValueError:
                value = None
            if raw and value is None:
                raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]})
            if value and name == "date_from":
                date_from = value
            elif value:
                date_to = value
        if date_from > date_to:
            raise ValidationError({"date_from": [_("The period ends before it starts.")]})
        report = selectors.deflection_report(date_from, date_to)
        return Response(DeflectionReportSerializer(report).data)
