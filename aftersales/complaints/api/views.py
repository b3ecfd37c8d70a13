"""`/api/v1/complaints/`: list (filters and sorting of the web list), read, open (with an
optional Idempotency-Key), `adopt` (handle a request of kind complaint taken elsewhere as
a complaint), and one action per step: `apology`, `cause`, `sign-off`.

The back office reads complaints, partner staff those about their center; agents and
managers open and work them; managers sign off. Thin: every rule is in
`aftersales.complaints.services`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aftersales.accounts.models import User
from aftersales.catalog.models import Product
from aftersales.complaints import selectors, services
from aftersales.complaints.api import serializers as s
from aftersales.complaints.filters import DEFAULT_SORT, ComplaintFilter, sort_complaints
from aftersales.complaints.models import Complaint
from aftersales.core.errors import DomainError
from aftersales.core.idempotency import run_once
from aftersales.dispatch.models import Visit
from aftersales.field.models import Technician
from aftersales.service import access

IDEMPOTENCY_KEY_MAX = 255


class MaySeeComplaints(permissions.BasePermission):
    message = _("Only the back office and partner staff may see complaints.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


def _step(serializer_class, summary):
    return extend_schema(summary=summary, request=serializer_class, responses=s.ComplaintSerializer)


def _found(queryset, value, field):
    if value in (None, ""):
        return None
    found = queryset.filter(**{field: value}).first() if field else None
    if found is None:
        raise DomainError(_("Nothing found for %(value)s.") % {"value": value}, field=field)
    return found


@extend_schema_view(
    list=extend_schema(summary="List complaints"),
    retrieve=extend_schema(summary="Read a complaint (by its request number) with its history"),
    create=extend_schema(
        summary="Open a complaint for a customer or about a request or visit",
        request=s.OpenSerializer,
        responses={201: s.ComplaintSerializer},
    ),
)
class ComplaintViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ComplaintSerializer
    permission_classes = [permissions.IsAuthenticated, MaySeeComplaints]
    filterset_class = ComplaintFilter
    lookup_field = "request__number"
    lookup_url_kwarg = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        rows = selectors.complaint_detail(self.request.user)
        if self.action == "list":
            return sort_complaints(rows, self.request.query_params.get("sort") or DEFAULT_SORT)
        return rows

    def _answer(self, complaint, code=status.HTTP_200_OK):
        complaint = selectors.complaint_detail(self.request.user).get(pk=complaint.pk)
        return Response(s.ComplaintSerializer(complaint).data, status=code)

    def _open(self, user, values):
        requests = access.visible_requests(user).select_related("customer", "unit__product")
        about = _found(requests, values.get("about_request"), "number")
        visit = _found(
            Visit.objects.filter(request__in=access.visible_requests(user)),
            values.get("about_visit"),
            "pk",
        )
        if about is not None:
            customer = about.customer
        elif visit is not None:
            customer = visit.request.customer
        else:
            if not values.get("customer"):
                raise DomainError(
                    _("Give the customer, or the request complained about."), field="customer"
                )
            customer = _found(access.visible_customers(user), values["customer"], "pk")
        return services.open_complaint(
            user,
            customer=customer,
            severity=values["severity"],
            subject=values["subject"],
            description=values["description"],
            channel=values["channel"],
            contact=about.contact if about else None,
            about_request=about,
            about_visit=visit,
            about_technician=_found(Technician.objects.all(), values.get("about_technician"), "pk"),
            about_product=_found(Product.objects.all(), values.get("about_product"), "sku"),
            assignee=_found(User.objects.all(), values.get("assignee"), "pk"),
            apologised=values["apologised"],
            apology_note=values["apology_note"],
        )

    def create(self, request, *args, **kwargs):
        services.check_work(request.user)
        data = s.OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            complaint, created = self._open(request.user, values), True
        else:
            if len(key) > IDEMPOTENCY_KEY_MAX:
                raise ValidationError({"Idempotency-Key": [_("The Idempotency-Key is too long.")]})
            complaint, created = run_once(
                user=request.user,
                scope="complaints-open",
                key=key,
                payload=dict(request.data),
                create=lambda: self._open(request.user, values),
                load=lambda pk: Complaint.objects.get(pk=pk),
            )
        response = self._answer(complaint, status.HTTP_201_CREATED if created else 200)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    def _run(self, request, serializer_class, do):
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        return self._answer(do(self.get_object(), request.user, expected_version=version, **values))

    @extend_schema(
        summary="Handle a request of kind complaint (taken elsewhere) as a complaint",
        request=s.AdoptSerializer,
        responses={201: s.ComplaintSerializer},
    )
    @action(detail=False, methods=["post"])
    def adopt(self, request):
        services.check_work(request.user)
        data = s.AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        found = _found(access.visible_requests(request.user), values["request"], "number")
        complaint = services.adopt(found, request.user, severity=values["severity"])
        return self._answer(complaint, status.HTTP_201_CREATED)

    @_step(s.ApologySerializer, "Record the apology and first contact")
    @action(detail=True, methods=["post"])
    def apology(self, request, number=None):
        return self._run(request, s.ApologySerializer, services.record_apology)

    @_step(s.CauseSerializer, "Record the root cause and corrective action")
    @action(detail=True, methods=["post"])
    def cause(self, request, number=None):
        return self._run(request, s.CauseSerializer, services.record_cause)

    @_step(s.SignOffSerializer, "A manager signs off the resolved complaint; it is closed")
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, number=None):
        return self._run(request, s.SignOffSerializer, services.sign_off)
