"""`POST /api/v1/auth/token/` issues a token, `DELETE` revokes it; `GET /api/v1/auth/me/`."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.api.serializers import (
    MeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from aftersales.accounts.models import ApiToken
from aftersales.accounts.tokens import digest, issue_token


class TokenView(APIView):
    """Exchange a username and password for an API token, or revoke the current token."""

    def initialize_request(self, request, *args, **kwargs):
        self._method = request.method
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        # Logging in needs no credentials other than the password; a stale token or a
        # browser session (with its CSRF check) must not stand in the way.
        if getattr(self, "_method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self, "_method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Obtain an API token",
        description="Wrong credentials give 400 with a message; the token is shown only once.",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token = issue_token(data["user"], name=data.get("name", ""))
        return Response({"token": token})

    @extend_schema(request=None, responses={204: None}, summary="Revoke the current token")
    def delete(self, request):
        if isinstance(request.auth, str):
            ApiToken.objects.filter(user=request.user, digest=digest(request.auth)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The authenticated user")
    def get(self, request):
        return Response(MeSerializer(request.user).data)
