"""`POST /api/v1/auth/signup/`, `…/signup/resend/` and `…/signup/verify/`: a mobile app
signs a customer up the way the web page does (a code to their email or phone) and gets
an API token for the new login, as `POST /api/v1/auth/token/` gives one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from aftersales.accounts import signup
from aftersales.accounts.tokens import issue_token
from aftersales.core.http import client_ip


class SignupThrottle(AnonRateThrottle):
    """Per client IP, beside the per-address limits on sending codes (accounts.codes)."""

    scope = "signup"
    rate = "30/hour"


class SignupRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    address = serializers.CharField(
        max_length=254, help_text=_("The customer's email address or mobile phone number.")
    )
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class SignupSentSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        help_text=_("Send it back with the code to `signup/verify/` (or to `signup/resend/`).")
    )
    # Not "channel" nor "via": other apps use those names for other choices.
    address_type = serializers.ChoiceField(choices=[("email", "email"), ("sms", "sms")])
    sent_to = serializers.CharField(help_text=_("The address, partly hidden, to show."))
    valid_minutes = serializers.IntegerField()


class SignupTicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=1000)


class SignupVerifySerializer(SignupTicketSerializer):
    code = serializers.CharField(max_length=12)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("A label for the token, e.g. the app's name."),
    )


class SignupTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))
    user = serializers.IntegerField()
    customer = serializers.IntegerField()


def _sent(sent) -> dict:
    from aftersales.accounts.codes import VALID

    return {
        "ticket": sent.ticket,
        "address_type": sent.address.channel,
        "sent_to": sent.address.masked(),
        "valid_minutes": int(VALID.total_seconds() // 60),
    }


class _PublicView(APIView):
    # No credentials: a stale token or a browser session (with its CSRF check) must not
    # stand in the way of signing up.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignupThrottle]


class SignupView(_PublicView):
    @extend_schema(
        request=SignupRequestSerializer,
        responses={202: SignupSentSerializer},
        auth=[],
        summary="Sign a customer up: send a code to their address",
        description=(
            "400 for a missing name, an address that is neither an email nor a mobile number, "
            "or a weak password; 409 (`already_registered`) when the address already has an "
            "account; 429 when codes were asked for too often."
        ),
    )
    def post(self, request):
        data = SignupRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = signup.start(
            **data.validated_data,
            ip=client_ip(request),
            language=getattr(request, "LANGUAGE_CODE", "") or "",
        )
        return Response(_sent(sent), status=status.HTTP_202_ACCEPTED)


class SignupResendView(_PublicView):
    @extend_schema(
        request=SignupTicketSerializer,
        responses={202: SignupSentSerializer},
        auth=[],
        summary="Send a new sign-up code",
    )
    def post(self, request):
        data = SignupTicketSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = signup.resend(data.validated_data["ticket"], ip=client_ip(request))
        return Response(_sent(sent), status=status.HTTP_202_ACCEPTED)


class SignupVerifyView(_PublicView):
    @extend_schema(
        request=SignupVerifySerializer,
        responses={201: SignupTokenSerializer},
        auth=[],
        summary="Finish signing up with the code: the account and an API token",
        description="400 (`wrong_code`) for a wrong, expired or used-up code, saying what to do.",
    )
    def post(self, request):
        data = SignupVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signup.verify(data.validated_data["ticket"], data.validated_data["code"])
        token = issue_token(user, name=data.validated_data.get("name", "") or "signup")
        return Response(
            {"token": token, "user": user.pk, "customer": user.customer_id},
            status=status.HTTP_201_CREATED,
        )
