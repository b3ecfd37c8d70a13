"""`/api/v1/warranty-policies/`, `service-plans/`, `contracts/`, `extended-warranties/`,
`supplier-warranties/`, `vendor-claims/`.

The back office (administrators, managers, agents, dispatchers) reads them; managers and
administrators change them (agents may also add extended warranties). Customers read
their own contracts and extended warranties; field staff are refused. Thin: input is
shaped here, every rule is in `aftersales.warranty.services`.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

from aftersales.accounts.roles import Role
from aftersales.assets.models import Unit
from aftersales.warranty import selectors, services
from aftersales.warranty.api.serializers import (
    ClaimTransitionSerializer,
    ContractActionSerializer,
    ContractCreateSerializer,
    ContractEventSerializer,
    ContractSerializer,
    ContractUpdateSerializer,
    ExtendedWarrantySerializer,
    ServicePlanSerializer,
    SupplierWarrantySerializer,
    VendorClaimSerializer,
    WarrantyPolicySerializer,
)
from aftersales.warranty.filters import (
    CONTRACT_DEFAULT_SORT,
    CONTRACT_SORTS,
    ContractFilter,
    ExtendedWarrantyFilter,
    VendorClaimFilter,
    sort_contracts,
)
from aftersales.warranty.models import (
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)


def _own_customer(user) -> int | None:
    """The customer a customer login reads for; None for everyone else."""
    if user.is_authenticated and user.role == Role.CUSTOMER and not user.is_superuser:
        return user.customer_id or 0
    return None


class BackOfficeReadsManagersChange(permissions.BasePermission):
    message = _(
        "Only the back office may read warranty terms and contracts, and only service "
        "managers and administrators may change them."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return services.can_read(request.user) or (
                getattr(view, "customers_read_own", False)
                and _own_customer(request.user) is not None
            )
        return view.may_change(request.user)


class WarrantyViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, BackOfficeReadsManagersChange]
    http_method_names = ["get", "post", "patch", "head", "options"]
    customers_read_own = False

    def may_change(self, user) -> bool:
        return services.can_manage(user)

    def _input(self, serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, obj, serializer_class=None, **kwargs):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, **kwargs)


# --- Policies -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List warranty policies (三包 terms)"),
    retrieve=extend_schema(summary="Read a warranty policy"),
    create=extend_schema(summary="Add a warranty policy (managers)"),
    partial_update=extend_schema(
        summary="Change a warranty policy (managers)",
        description="`component_terms`, when sent, replaces all of the policy's longer terms.",
    ),
)
class WarrantyPolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = WarrantyPolicySerializer
    queryset = WarrantyPolicy.objects.select_related("category", "product").prefetch_related(
        "component_terms"
    )
    filterset_fields = ["category", "product"]

    def _save(self, policy, data):
        terms = data.pop("component_terms", None)
        for name, value in data.items():
            setattr(policy, name, value)
        if terms is not None:
            terms = [services.ComponentTerm(t["component"], t["months"]) for t in terms]
        policy = services.save_policy(policy, actor=self.request.user, terms=terms)
        return self.queryset.get(pk=policy.pk)

    def create(self, request, *args, **kwargs):
        data = self._input(WarrantyPolicySerializer, request.data)
        return self._answer(self._save(WarrantyPolicy(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        data = self._input(WarrantyPolicySerializer, request.data, partial=True)
        return self._answer(self._save(policy, data))


# --- Plans --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List service plans, best first"),
    retrieve=extend_schema(summary="Read a service plan"),
    create=extend_schema(summary="Add a service plan (managers)"),
    partial_update=extend_schema(summary="Change a service plan (managers)"),
)
class ServicePlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = ServicePlanSerializer
    queryset = ServicePlan.objects.all()
    filterset_fields = ["active"]

    def _save(self, plan, data):
        for name, value in data.items():
            setattr(plan, name, value)
        return services.save_plan(plan, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        data = self._input(ServicePlanSerializer, request.data)
        return self._answer(self._save(ServicePlan(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        data = self._input(ServicePlanSerializer, request.data, partial=True)
        return self._answer(self._save(plan, data))


# --- Contracts ----------------------------------------------------------------------------


class ContractSortFilter(BaseFilterBackend):
    """`?sort=` one of the contract list's sort keys (as in the web UI)."""

    param = "sort"

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        return sort_contracts(queryset, request.query_params.get(self.param))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Order of the list; a leading `-` reverses it.",
                "schema": {
                    "type": "string",
                    "enum": list(CONTRACT_SORTS),
                    "default": CONTRACT_DEFAULT_SORT,
                },
            }
        ]


def _action_doc(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        request=ContractActionSerializer,
        responses={200: ContractSerializer},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List service contracts",
        description="Back office: all; a customer: their own. `ending_within=60` lists active "
        "contracts ending within 60 days (renewal reminders).",
    ),
    retrieve=extend_schema(summary="Read a service contract"),
)
class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = ContractSerializer
    queryset = ServiceContract.objects.none()  # for the schema; get_queryset decides per user
    filterset_class = ContractFilter
    filter_backends = [DjangoFilterBackend, ContractSortFilter]
    customers_read_own = True

    def get_queryset(self):
        contracts = (
            selectors.contract_rows(ServiceContract.objects.all())
            .select_related("renewal_of", "renewal")
            .prefetch_related(Prefetch("units", queryset=Unit.objects.only("id", "serial_number")))
        )
        customer = _own_customer(self.request.user)
        if customer is not None:
            contracts = contracts.filter(customer_id=customer)
        return contracts

    def _contract(self, contract):
        return self._answer(self.get_queryset().get(pk=contract.pk))

    @extend_schema(
        summary="Quote a contract (managers)",
        description="Number CT-<year>-<n>. The end defaults to a year after the start, the "
        "price to the plan's yearly price for the period. `all_units` covers every unit "
        "of the customer (also later ones); otherwise `units` names them.",
        request=ContractCreateSerializer,
        responses={201: ContractSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self._input(ContractCreateSerializer, request.data)
        contract = services.create_contract(actor=request.user, **data)
        return self._answer(self.get_queryset().get(pk=contract.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a quote (managers)",
        description="Only a quote changes; after the customer's answer it is refused.",
        request=ContractUpdateSerializer,
        responses={200: ContractSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        contract = self.get_object()
        data = self._input(ContractUpdateSerializer, request.data, partial=True)
        version = data.pop("version", None)
        contract = services.update_quote(
            contract, actor=request.user, expected_version=version, **data
        )
        return self._contract(contract)

    def _act(self, request, name, **extra):
        contract = self.get_object()
        data = self._input(ContractActionSerializer, request.data)
        fields = {"expected_version": data.get("version"), **extra}
        if name in (services.Action.ACCEPT, services.Action.DECLINE):
            fields["note"] = data["reason"]
        elif name == services.Action.CANCEL:
            fields["reason"] = data["reason"]
        elif name == services.Action.RENEW:
            fields["price"] = data["price"]
        result = services.ACTIONS[name](contract, actor=request.user, **fields)
        if name == services.Action.RENEW:
            return self._answer(
                self.get_queryset().get(pk=result.pk), status=status.HTTP_201_CREATED
            )
        return self._contract(result)

    @_action_doc(
        "The customer accepted the quote",
        "Quote → accepted; active at once when its start has come.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._act(request, services.Action.ACCEPT)

    @_action_doc("The customer declined the quote", "Quote → declined.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def decline(self, request, pk=None):
        return self._act(request, services.Action.DECLINE)

    @_action_doc(
        "Activate an accepted contract",
        "Accepted → active, once its start has come (`manage.py update_contracts` does "
        "this every day too).",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def activate(self, request, pk=None):
        return self._act(request, services.Action.ACTIVATE)

    @_action_doc("Cancel a contract", "Accepted or active → cancelled; `reason` is required.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        return self._act(request, services.Action.CANCEL)

    @extend_schema(
        summary="Quote the renewal of an active contract",
        description="A new quote from the day after the end, as long, same plan and "
        "units; answered with the new quote (201).",
        request=ContractActionSerializer,
        responses={201: ContractSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def renew(self, request, pk=None):
        return self._act(request, services.Action.RENEW)

    @extend_schema(
        summary="The contract's history, oldest first",
        responses={200: ContractEventSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.contract_history(self.get_object())
        page = self.paginate_queryset(events)
        return self.get_paginated_response(ContractEventSerializer(page, many=True).data)


# --- Extended warranties --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List extended warranties",
        description="Back office: all (`unit=` for one unit); a customer: their units'.",
    ),
    retrieve=extend_schema(summary="Read an extended warranty"),
)
class ExtendedWarrantyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = ExtendedWarrantySerializer
    queryset = ExtendedWarranty.objects.none()  # for the schema; get_queryset decides per user
    filterset_class = ExtendedWarrantyFilter
    customers_read_own = True
    http_method_names = ["get", "post", "head", "options"]

    def may_change(self, user) -> bool:
        return services.can_add_extended(user)

    def get_queryset(self):
        covers = ExtendedWarranty.objects.select_related("unit").order_by("-ends_on", "-id")
        customer = _own_customer(self.request.user)
        if customer is not None:
            covers = covers.filter(unit__customer_id=customer)
        return covers

    @extend_schema(
        summary="Add an extended warranty to a unit (managers and agents)",
        description="It must end after it starts, and cannot start before the purchase.",
        request=ExtendedWarrantySerializer,
        responses={201: ExtendedWarrantySerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self._input(ExtendedWarrantySerializer, request.data)
        unit = data.pop("unit")
        cover = services.add_extended_warranty(unit, actor=request.user, **data)
        return self._answer(cover, status=status.HTTP_201_CREATED)


# --- Supplier cover and claims --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List supplier (back-to-back) warranties"),
    retrieve=extend_schema(summary="Read a supplier warranty"),
    create=extend_schema(summary="Add a supplier warranty (managers)"),
    partial_update=extend_schema(summary="Change a supplier warranty (managers)"),
)
class SupplierWarrantyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = SupplierWarrantySerializer
    queryset = SupplierWarranty.objects.order_by("supplier", "id")
    filterset_fields = ["product", "spare_part", "active"]

    def _save(self, cover, data):
        for name, value in data.items():
            setattr(cover, name, value)
        return services.save_supplier_warranty(cover, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        data = self._input(SupplierWarrantySerializer, request.data)
        return self._answer(self._save(SupplierWarranty(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        cover = self.get_object()
        data = self._input(SupplierWarrantySerializer, request.data, partial=True)
        return self._answer(self._save(cover, data))


@extend_schema_view(
    list=extend_schema(summary="List vendor recovery claims"),
    retrieve=extend_schema(summary="Read a vendor recovery claim"),
)
class VendorClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WarrantyViewSet):
    serializer_class = VendorClaimSerializer
    queryset = VendorClaim.objects.select_related("request", "supplier_warranty").order_by(
        "-created_at", "-id"
    )
    filterset_class = VendorClaimFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        summary="Move a claim on (managers)",
        description="open → submitted → accepted → paid, or rejected (with a `note`). "
        "`reference` and `amount` record the supplier's answer.",
        request=ClaimTransitionSerializer,
        responses={200: VendorClaimSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        claim = self.get_object()
        data = self._input(ClaimTransitionSerializer, request.data)
        claim = services.move_claim(
            claim,
            actor=request.user,
            to=data["to"],
            reference=data.get("reference"),
            amount=data.get("amount"),
            note=data.get("note", ""),
        )
        return self._answer(self.queryset.get(pk=claim.pk))
