"""`/api/v1/portal-logins/`: the back office lists customers' portal logins
(`?customer=`), invites an address (`POST`: customer, contact, channel) and managers
deactivate or reactivate one (`POST {id}/active/`). Thin: the rules are in
`accounts.invitations`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.accounts import invitations, selectors
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.core.errors import NotAllowed
from aftersales.customers.models import Contact, Customer


class PortalLoginSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "customer", "contact", "email", "phone", "state",
                  "invited_at", "last_login", "date_joined"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, user) -> str:
        return selectors.login_state(user)


VIA = [("email", "email"), ("sms", "sms")]


class InviteSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True,
        help_text=_("One of the customer's contacts; empty: the customer's own address."),
    )  # fmt: skip
    address_type = serializers.ChoiceField(
        choices=VIA,
        help_text=_("Which address gets the link: the email, or an SMS to the phone."),
    )


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()


class PortalLoginViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PortalLoginSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not invitations.can_invite(request.user):
            raise NotAllowed(_("Only the back office sees customers' portal logins."))

    def get_queryset(self):
        rows = User.objects.filter(role=Role.CUSTOMER, customer__isnull=False).order_by("id")
        customer = self.request.query_params.get("customer")
        if customer:
            rows = rows.filter(customer_id=customer if customer.isdigit() else 0)
        return rows

    @extend_schema(
        request=InviteSerializer,
        responses={201: PortalLoginSerializer, 200: PortalLoginSerializer},
        summary="Invite a customer or contact to the portal (again)",
        description="201 for a new login, 200 when the address already had one and the "
        "invitation was sent again; 409 when the address belongs to another login.",
    )
    def create(self, request):
        invitations.check_invite(request.user)
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer, contact = data.validated_data["customer"], data.validated_data.get("contact")
        channel = data.validated_data["address_type"]
        prefix = f"contact-{contact.pk}" if contact is not None else "customer"
        login, created = invitations.invite(request.user, customer, f"{prefix}-{channel}")
        return Response(
            PortalLoginSerializer(login).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=ActiveSerializer, responses=PortalLoginSerializer,
                   summary="Deactivate or reactivate a customer's login (managers)")  # fmt: skip
    @action(detail=True, methods=["post"])
    def active(self, request, pk=None):
        data = ActiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login = get_object_or_404(self.get_queryset(), pk=pk)
        login = invitations.set_active(request.user, login, data.validated_data["active"])
        return Response(PortalLoginSerializer(login).data)
