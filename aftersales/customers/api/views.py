"""`/api/v1/customers/`: back-office roles create and edit; others read what they may see."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.customers.api.filters import CustomerFilter
from aftersales.customers.api.serializers import (
    ContactSerializer,
    CustomerSerializer,
    CustomerWriteSerializer,
)
from aftersales.customers.models import Customer
from aftersales.customers.services import add_contact, create_customer, update_customer
from aftersales.service import access


class ManagesCustomersOrReadOnly(permissions.BasePermission):
    message = _(
        "Only the back office (agents, dispatchers, managers) may change customers and units."
    )

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or access.can_manage_customers(
            request.user
        )


@extend_schema_view(
    list=extend_schema(
        summary="List customers",
        description="`q` finds a caller by phone number (any spelling), name or email.",
    ),
    retrieve=extend_schema(summary="Read a customer"),
)
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    permission_classes = [permissions.IsAuthenticated, ManagesCustomersOrReadOnly]
    queryset = Customer.objects.none()  # for the schema; get_queryset decides per user

    def get_queryset(self):
        return access.visible_customers(
            self.request.user, Customer.objects.prefetch_related("contacts")
        )

    def _read(self, customer, **kwargs):
        return Response(
            CustomerSerializer(customer, context=self.get_serializer_context()).data, **kwargs
        )

    @extend_schema(
        request=CustomerWriteSerializer,
        responses={201: CustomerSerializer},
        summary="Create a customer",
    )
    def create(self, request, *args, **kwargs):
        serializer = CustomerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = create_customer(actor=request.user, **serializer.validated_data)
        return self._read(customer, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CustomerWriteSerializer,
        responses={200: CustomerSerializer},
        summary="Change a customer's details",
    )
    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        serializer = CustomerWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer = update_customer(customer, actor=request.user, **serializer.validated_data)
        return self._read(customer)

    @extend_schema(
        request=ContactSerializer,
        responses={201: ContactSerializer},
        summary="Add a contact to a customer",
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        customer = self.get_object()
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = add_contact(customer, actor=request.user, **serializer.validated_data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
