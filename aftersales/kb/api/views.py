"""`/api/v1/kb/articles/` (list with `?q=` search, read; create and update for managers and
agents; `{id}/versions/`, `{id}/solved/`), and the public calls of the customer web form and
portal: `/api/v1/kb/suggestions/?q=` and `POST /api/v1/kb/deflections/`.
Thin: the rules are in `aftersales.kb.services`."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import Category, Product
from aftersales.kb import selectors, services
from aftersales.kb.api.serializers import (
    ArticleSerializer,
    ArticleVersionSerializer,
    DeflectionSerializer,
    PublicArticleSerializer,
    SolvedSerializer,
)


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Everyone logged in reads what they may (customers: public published articles)."""

    serializer_class = ArticleSerializer

    def get_queryset(self):
        return (
            services.visible_articles(self.request.user)
            .select_related("category", "product")
            .prefetch_related("fault_codes")
            .annotate(solved_count=Count("uses", distinct=True))
            .order_by("-updated_at", "-pk")
        )

    def list(self, request):
        params = request.query_params
        product = category = None
        if params.get("product"):
            product = get_object_or_404(
                Product.objects.select_related("category"), pk=params["product"]
            )
        if params.get("category"):
            category = get_object_or_404(Category, pk=params["category"])
        rows = services.for_product(self.get_queryset(), product=product, category=category)
        if params.get("q", "").strip():
            from aftersales.kb.search import search

            rows = search(rows, params["q"], limit=200)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _fields(self, data):
        fields = dict(data.validated_data)
        return fields.pop("publish", False), fields.pop("fault_codes", None), fields

    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        publish, codes, fields = self._fields(data)
        fields.pop("revision", None)
        article = services.create_article(
            request.user, publish=publish, fault_codes=codes or (), **fields
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=article.pk)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    def update(self, request, pk=None, partial=False):
        services.check_write(request.user)
        article = self.get_object()
        data = self.get_serializer(article, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        publish, codes, fields = self._fields(data)
        revision = fields.pop("revision", None)
        services.update_article(article, request.user, revision=revision, fault_codes=codes,
                                publish=publish, **fields)  # fmt: skip
        return Response(self.get_serializer(self.get_queryset().get(pk=article.pk)).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="The article's published versions", responses=ArticleVersionSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        rows = self.get_object().versions.all()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ArticleVersionSerializer(page, many=True).data)

    @extend_schema(
        summary="This article solved a request", request=SolvedSerializer, responses=None
    )
    @action(detail=True, methods=["post"])
    def solved(self, request, pk=None):
        data = SolvedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.mark_solved(self.get_object(), data.validated_data["request_number"], request.user)
        return Response(status=status.HTTP_201_CREATED)


class SuggestionsView(APIView):
    """Public articles matching what a customer types in the web form or portal."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Suggested public articles", responses=PublicArticleSerializer(many=True)
    )
    def get(self, request):
        rows = selectors.suggestions(services.public_articles(), request.query_params.get("q", ""))
        return Response(PublicArticleSerializer(rows, many=True).data)


class DeflectionView(APIView):
    """The customer says an article solved the problem instead of sending the form."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Count a deflection", request=DeflectionSerializer, responses=None)
    def post(self, request):
        data = DeflectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = get_object_or_404(services.public_articles(), pk=data.validated_data["article"])
        customer = (
            getattr(request.user, "customer", None) if request.user.is_authenticated else None
        )
        services.deflect(article, data.validated_data["source"],
                         data.validated_data["session_key"], customer=customer)  # fmt: skip
        return Response(status=status.HTTP_201_CREATED)
