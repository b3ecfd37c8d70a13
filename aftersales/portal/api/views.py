"""`POST /api/v1/portal/units/register/`: a customer registers a unit they bought.

The rest of what the portal does is the existing API as a customer: `/api/v1/tickets/`
(list own, open, comment, `transition/` to cancel while new) and `/api/v1/units/`.
Thin: the rules are in `aftersales.portal.services`."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.portal import selectors, services
from aftersales.portal.api.serializers import (
    PortalRegisterUnitSerializer,
    PortalRegistrationSerializer,
)


class RegisterUnitView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Register a unit I bought (customers)",
        description="Multipart: `serial_number`, `product`, `purchased_on`, `invoice` (photo or "
        "PDF). A serial already yours changes nothing (200, `already_yours`); an unknown one "
        "becomes your unit with the invoice kept (201, `created`); one registered to "
        "someone else is refused (409, contact us). Answers the unit's warranty cover.",
        request={"multipart/form-data": PortalRegisterUnitSerializer},
        responses={
            201: PortalRegistrationSerializer,
            200: OpenApiResponse(PortalRegistrationSerializer, description="Already yours."),
            403: OpenApiResponse(description="Not a customer's login."),
            409: OpenApiResponse(description="Registered to another customer."),
        },
    )
    def post(self, request):
        services.check_customer(request.user)
        data = PortalRegisterUnitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        done = services.register_purchase(
            request.user,
            serial_number=fields["serial_number"],
            product=fields.get("product"),
            purchased_on=fields["purchased_on"],
            invoice=fields.get("invoice"),
        )
        body = PortalRegistrationSerializer(
            {
                "outcome": done.outcome,
                "unit": done.unit,
                "coverage": asdict(selectors.unit_coverage(done.unit)),
            },
            context={"request": request},
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if done.created else status.HTTP_200_OK
        )
