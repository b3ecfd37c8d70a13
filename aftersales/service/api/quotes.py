"""Quotes and charges through the API.

- `GET|POST /api/v1/tickets/{id}/quotes/`: a ticket's quotes; staff start one (a draft).
- `GET|PATCH /api/v1/quotes/{id}/`: read a quote; staff change a draft (note, validity,
  all its lines at once).
- `POST /api/v1/quotes/{id}/send|accept|decline|withdraw/`: move it on.
- `GET|POST /api/v1/tickets/{id}/charges/`: a ticket's charges; staff record the charge
  for an accepted quote (safe to repeat).
- `GET /api/v1/charges/{id}/`, `POST /api/v1/charges/{id}/pay|waive/`.

Thin: the rules are in `service.quotes`. Customers read the quotes sent to them and
accept or decline their own, nothing else; a quote or ticket the caller cannot see is
404. Money is a decimal string with its currency; a quote's total is computed from its
lines, never taken from the client.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.catalog.models import SparePart
from aftersales.service import access, quotes
from aftersales.service.models import ServiceRequest
from aftersales.warranty.models import (
    Charge,
    LineKind,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuoteStatus,
)

# --- Serializers --------------------------------------------------------------------------------


class QuoteLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    part_number = serializers.CharField(
        source="spare_part.part_number", read_only=True, default=None
    )

    class Meta:
        model = QuoteLine
        fields = [
            "id",
            "kind",
            "description",
            "spare_part",
            "part_number",
            "quantity",
            "unit_price",
            "amount",
        ]
        read_only_fields = fields


class QuoteLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LineKind.choices)
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For a part, the catalog name when left out."),
    )
    spare_part = serializers.PrimaryKeyRelatedField(
        queryset=SparePart.objects.all(), required=False, allow_null=True, default=None
    )
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, default=1)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For a part, the catalog price when left out."),
    )


class QuoteSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="request_id", read_only=True)
    ticket_number = serializers.CharField(source="request.number", read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    lines = QuoteLineSerializer(many=True, read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    customer_link = serializers.SerializerMethodField()
    link_expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "status",
            "currency",
            "total",
            "note",
            "valid_until",
            "lines",
            "created_at",
            "sent_at",
            "decided_at",
            "decided_by_name",
            "decision_note",
            "version",
            "actions",
            "customer_link",
            "link_expires_at",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by_name(self, quote) -> str | None:
        return str(quote.decided_by) if quote.decided_by_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, quote) -> list[str]:
        """What the caller may do with the quote now: edit, send, accept, decline, withdraw."""
        # Every quote serialized here came from a ticket the caller can see.
        user = self._user()
        return sorted(quotes.quote_actions(user, quote, manage=quotes.may_manage(user)))

    def _shows_link(self, quote) -> bool:
        # Staff pass the link on to the customer; the customer has it already.
        return quote.status == QuoteStatus.SENT and quotes.may_manage(self._user())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_customer_link(self, quote) -> str | None:
        if not self._shows_link(quote):
            return None
        path = reverse("quotes:customer", args=[quotes.link_token(quote)])
        return self.context["request"].build_absolute_uri(path)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_link_expires_at(self, quote):
        if not self._shows_link(quote):
            return None
        return serializers.DateTimeField().to_representation(quotes.link_expires_at(quote))


class QuoteCreateSerializer(serializers.Serializer):
    lines = QuoteLineInputSerializer(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    currency = serializers.CharField(
        required=False, default="", help_text=_("3-letter code; CNY when left out.")
    )


class QuoteUpdateSerializer(serializers.Serializer):
    lines = QuoteLineInputSerializer(
        many=True, required=False, help_text=_("Replaces all the lines of the draft.")
    )
    note = serializers.CharField(required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; if the quote changed since, you get 409."),
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, allow_null=True, default=None)


class AnswerSerializer(VersionSerializer):
    via = serializers.ChoiceField(
        choices=[(value, quotes.AnswerVia(value).label) for value in quotes.STAFF_VIAS],
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Staff: how the customer gave their answer (required). Customers leave it out."
        ),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("A note or the reason.")
    )


class WithdrawSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChargeSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="request_id", read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Charge
        fields = [
            "id",
            "ticket",
            "quote",
            "amount",
            "currency",
            "status",
            "method",
            "paid_at",
            "created_at",
        ]
        read_only_fields = fields


class PaySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    paid_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("When; now when left out.")
    )


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


# --- Views ------------------------------------------------------------------------------------


def _valid(serializer_class, data, context=None) -> dict:
    serializer = serializer_class(data=data, context=context or {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _lines(data) -> list[quotes.LineInput]:
    return [quotes.LineInput(**line) for line in data]


def _quote_queryset(user):
    return quotes.visible_quotes(
        user,
        Quote.objects.select_related("request", "decided_by").prefetch_related("lines__spare_part"),
    )


class TicketQuotesView(generics.GenericAPIView):
    serializer_class = QuoteSerializer
    pagination_class = None
    filter_backends = []
    queryset = Quote.objects.none()

    def _ticket(self) -> ServiceRequest:
        return get_object_or_404(
            access.visible_requests(self.request.user), pk=self.kwargs["ticket_id"]
        )

    @extend_schema(
        summary="A ticket's quotes, newest first",
        description="Customers see only the quotes sent to them.",
        responses={200: QuoteSerializer(many=True)},
    )
    def get(self, request, ticket_id):
        ticket = self._ticket()
        found = quotes.quotes_of(ticket, request.user)
        return Response(QuoteSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Start a quote (a draft)",
        description="Staff only. A ticket has one open (draft or sent) quote at a time: "
        "409 while another is open. The total is computed from the lines; a part line "
        "may give only `spare_part` (its catalog name and price are used).",
        request=QuoteCreateSerializer,
        responses={201: QuoteSerializer},
    )
    def post(self, request, ticket_id):
        ticket = self._ticket()
        data = _valid(QuoteCreateSerializer, request.data)
        quote = quotes.create_quote(
            ticket,
            actor=request.user,
            lines=_lines(data["lines"]),
            note=data["note"],
            valid_until=data["valid_until"],
            currency=data["currency"],
        )
        quote = _quote_queryset(request.user).get(pk=quote.pk)
        return Response(
            QuoteSerializer(quote, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    retrieve=extend_schema(summary="Read a quote"),
)
class QuoteViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuoteSerializer
    queryset = Quote.objects.none()
    filter_backends = []

    def get_queryset(self):
        return _quote_queryset(self.request.user)

    def _answer(self, quote, status_code=status.HTTP_200_OK):
        quote = self.get_queryset().get(pk=quote.pk)
        return Response(
            QuoteSerializer(quote, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(
        summary="Change a draft quote",
        description="Staff only, drafts only (409 once sent). `lines` replaces all lines.",
        request=QuoteUpdateSerializer,
        responses={200: QuoteSerializer},
    )
    def partial_update(self, request, pk=None):
        quote = self.get_object()
        data = _valid(QuoteUpdateSerializer, request.data)
        changes = {}
        if "lines" in data:
            changes["lines"] = _lines(data["lines"])
        if "note" in data:
            changes["note"] = data["note"]
        if "valid_until" in data:
            changes["valid_until"] = data["valid_until"]
        quotes.update_quote(
            quote, actor=request.user, expected_version=data.get("version"), **changes
        )
        return self._answer(quote)

    @extend_schema(
        summary="Send a draft quote to the customer",
        description="The answer carries `customer_link`, the signed link to give the "
        "customer (no login needed).",
        request=VersionSerializer,
        responses={200: QuoteSerializer},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        quote = self.get_object()
        data = _valid(VersionSerializer, request.data)
        quotes.send_quote(quote, actor=request.user, expected_version=data["version"])
        return self._answer(quote)

    @extend_schema(
        summary="Accept a sent quote",
        description="Customers accept their own; staff record the customer's answer and "
        "say how it came (`via`). A second answer gets 409.",
        request=AnswerSerializer,
        responses={200: QuoteSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        quote = self.get_object()
        data = _valid(AnswerSerializer, request.data)
        quotes.accept_quote(
            quote,
            actor=request.user,
            via=data["via"],
            note=data["note"],
            expected_version=data["version"],
        )
        return self._answer(quote)

    @extend_schema(
        summary="Decline a sent quote",
        description="As accept; `note` is the reason, if any.",
        request=AnswerSerializer,
        responses={200: QuoteSerializer},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        quote = self.get_object()
        data = _valid(AnswerSerializer, request.data)
        quotes.decline_quote(
            quote,
            actor=request.user,
            via=data["via"],
            reason=data["note"],
            expected_version=data["version"],
        )
        return self._answer(quote)

    @extend_schema(
        summary="Withdraw a draft or sent quote",
        description="Staff only. The customer's link stops working.",
        request=WithdrawSerializer,
        responses={200: QuoteSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        quote = self.get_object()
        data = _valid(WithdrawSerializer, request.data)
        quotes.withdraw_quote(
            quote, actor=request.user, reason=data["reason"], expected_version=data["version"]
        )
        return self._answer(quote)


class TicketChargesView(generics.GenericAPIView):
    serializer_class = ChargeSerializer
    pagination_class = None
    filter_backends = []
    queryset = Charge.objects.none()

    def _ticket(self) -> ServiceRequest:
        return get_object_or_404(
            access.visible_requests(self.request.user), pk=self.kwargs["ticket_id"]
        )

    @extend_schema(summary="A ticket's charges", responses={200: ChargeSerializer(many=True)})
    def get(self, request, ticket_id):
        charges = Charge.objects.filter(request=self._ticket())
        return Response(ChargeSerializer(charges, many=True).data)

    @extend_schema(
        summary="Record the charge for the ticket's accepted quote",
        description="Staff only. 201 with the charges recorded; 409 when already recorded, "
        "400 when no quote was accepted.",
        request=None,
        responses={201: ChargeSerializer(many=True)},
    )
    def post(self, request, ticket_id):
        created = quotes.record_charge(self._ticket(), actor=request.user)
        return Response(ChargeSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(summary="Read a charge"))
class ChargeViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChargeSerializer
    queryset = Charge.objects.none()
    filter_backends = []

    def get_queryset(self):
        visible = access.visible_requests(self.request.user).values("pk")
        return Charge.objects.filter(request__in=visible).select_related("request")

    @extend_schema(
        summary="Record that a charge was paid",
        request=PaySerializer,
        responses={200: ChargeSerializer},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        charge = self.get_object()
        data = _valid(PaySerializer, request.data)
        charge = quotes.mark_paid(charge, actor=request.user, **data)
        return Response(ChargeSerializer(charge).data)

    @extend_schema(
        summary="Waive a charge (service managers)",
        request=WaiveSerializer,
        responses={200: ChargeSerializer},
    )
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        charge = self.get_object()
        data = _valid(WaiveSerializer, request.data)
        charge = quotes.waive_charge(charge, actor=request.user, reason=data["reason"])
        return Response(ChargeSerializer(charge).data)
