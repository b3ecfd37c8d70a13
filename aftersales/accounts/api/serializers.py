from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.accounts.models import User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("A label to recognise the token by later, e.g. the integration's name."),
    )

    def validate(self, attrs):
        user = authenticate(
            self.context.get("request"), username=attrs["username"], password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("Unable to log in with this username and password. Check both and try again."),
                code="invalid_credentials",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True,
        help_text=_("Send it as `Authorization: Token <token>`. It is shown only once."),
    )


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "role",
            "name",
            "email",
            "language",
            "time_zone",
            "service_center",
            "customer",
            "contact",
        ]
        read_only_fields = fields
