"""`/api/v1/categories/`, `products/`, `fault-codes/`, `spare-parts/`.

Everyone signed in may read the catalog; administrators and service managers may add and
change categories and products. Nothing in the catalog is deleted through the API: units
and requests refer to it.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from aftersales.catalog.api.filters import FaultCodeFilter, ProductFilter, SparePartFilter
from aftersales.catalog.api.serializers import (
    CategorySerializer,
    FaultCodeSerializer,
    ProductSerializer,
    SparePartSerializer,
)
from aftersales.catalog.models import Category, FaultCode, Product, SparePart


class IsManagerOrReadOnly(permissions.BasePermission):
    message = _("Only administrators and service managers may change the catalog.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_manager


class EditableCatalogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, IsManagerOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary="List product categories"),
    retrieve=extend_schema(summary="Read a product category"),
    create=extend_schema(summary="Add a product category (managers)"),
    partial_update=extend_schema(summary="Change a product category (managers)"),
)
class CategoryViewSet(EditableCatalogViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_fields = ["parent"]


@extend_schema_view(
    list=extend_schema(summary="List products (models)"),
    retrieve=extend_schema(summary="Read a product"),
    create=extend_schema(summary="Add a product (managers)"),
    partial_update=extend_schema(summary="Change a product (managers)"),
)
class ProductViewSet(EditableCatalogViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_class = ProductFilter


@extend_schema_view(
    list=extend_schema(summary="List fault codes"),
    retrieve=extend_schema(summary="Read a fault code"),
)
class FaultCodeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = FaultCode.objects.all()
    serializer_class = FaultCodeSerializer
    filterset_class = FaultCodeFilter


@extend_schema_view(
    list=extend_schema(summary="List spare parts"),
    retrieve=extend_schema(summary="Read a spare part"),
)
class SparePartViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = SparePart.objects.prefetch_related("products")
    serializer_class = SparePartSerializer
    filterset_class = SparePartFilter
