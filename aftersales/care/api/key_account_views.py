"""`/api/v1/key-accounts/` (the list of the web page: `kind`, `q`, `sort`, paginated) and
`/api/v1/key-accounts/{customer id}/` (one account with its satisfaction by quarter).
Managers, administrators and agents read; others get 403. Thin: the facts come from
`care.key_account_selectors`, the score from `care.key_accounts.health`."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.care import key_account_selectors as selectors
from aftersales.care import key_accounts
from aftersales.core.api import Pagination
from aftersales.service import access


class MayReadKeyAccounts(permissions.BasePermission):
    message = _("Only managers, administrators and agents may read key accounts.")

    def has_permission(self, request, view):
        return key_accounts.can_view(request.user)


class KeyAccountReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()


class KeyAccountHealthSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    band = serializers.CharField(help_text="healthy, watch or at_risk")
    reasons = KeyAccountReasonSerializer(many=True)


class KeyAccountMoneySerializer(serializers.Serializer):
    labour = serializers.DecimalField(max_digits=16, decimal_places=2)
    parts = serializers.DecimalField(max_digits=16, decimal_places=2)
    travel = serializers.DecimalField(max_digits=16, decimal_places=2)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    margin = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.SerializerMethodField()

    def get_currency(self, money) -> str:
        return settings.DEFAULT_CURRENCY


class KeyAccountSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    name = serializers.CharField(source="customer.name")
    kind = serializers.CharField(source="customer.kind")
    units = serializers.IntegerField()
    first_purchase = serializers.DateField(allow_null=True)
    last_purchase = serializers.DateField(allow_null=True)
    cycle_months = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True,
        help_text="Average months between purchases.",
    )  # fmt: skip
    requests_total = serializers.IntegerField()
    requests_open = serializers.IntegerField()
    requests_year = serializers.IntegerField(help_text="Received in the last 12 months.")
    complaints_year = serializers.IntegerField()
    repeat_failure_units = serializers.IntegerField()
    money = KeyAccountMoneySerializer(help_text="Requests received in the last 12 months.")
    csat = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    nps = serializers.IntegerField(allow_null=True)
    last_contact = serializers.DateField(allow_null=True)
    contacts_year = serializers.IntegerField()
    health = KeyAccountHealthSerializer()


class KeyAccountQuarterSerializer(serializers.Serializer):
    start = serializers.DateField()
    label = serializers.CharField()
    answers = serializers.IntegerField()
    csat = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    nps = serializers.IntegerField(allow_null=True)


class KeyAccountDetailSerializer(KeyAccountSerializer):
    quarters = KeyAccountQuarterSerializer(many=True)


class KeyAccountListView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayReadKeyAccounts]

    @extend_schema(
        summary="Key accounts with their health score",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=list(selectors.KINDS),
                description="company (default), person or all",
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name."),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=sorted(selectors.SORTS),
                description="health (default: the least healthy first)",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],  # fmt: skip
        responses=KeyAccountSerializer(many=True),
    )
    def get(self, request):
        kind = request.query_params.get("kind") or "company"
        sort = request.query_params.get("sort") or selectors.DEFAULT_SORT
        if kind not in selectors.KINDS:
            raise ValidationError({"kind": [_("Choose company, person or all.")]})
        if sort not in selectors.SORTS:
            raise ValidationError({"sort": [_("Unknown sort order.")]})
        customers = selectors.candidates(kind, request.query_params.get("q", ""))
        rows = selectors.sort_accounts(selectors.accounts(customers), sort)
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(KeyAccountSerializer(page, many=True).data)


class KeyAccountDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayReadKeyAccounts]

    @extend_schema(summary="One key account", responses=KeyAccountDetailSerializer)
    def get(self, request, pk):
        customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
        (account,) = selectors.accounts([customer])
        account.quarters = selectors.satisfaction_by_quarter(customer)
        return Response(KeyAccountDetailSerializer(account).data)
