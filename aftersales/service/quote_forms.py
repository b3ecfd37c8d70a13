"""Forms of the quotes and charges on a request's page, and of the customer's link page.

They collect and clean input; the rules (who, when, totals) are in `service.quotes`.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import SparePart
from aftersales.core.forms import DateInput, DateTimeInput, Form
from aftersales.service.quotes import STAFF_VIAS, AnswerVia, LineInput
from aftersales.warranty.models import LineKind, PaymentMethod


class VersionMixin(forms.Form):
    """The quote's version the page showed: a change based on an older one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SparePartField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SparePart) -> str:
        return f"{obj.name} ({obj.part_number}) · {obj.unit_price} {obj.currency}"


def spare_parts_for(request) -> QuerySet[SparePart]:
    """The parts offered for a request: those that fit its unit's product, and those that
    are not tied to any product; every part when the request has no unit."""
    parts = SparePart.objects.order_by("name", "part_number")
    if request is None or request.unit_id is None:
        return parts
    product_id = request.unit.product_id
    fitting = SparePart.objects.filter(Q(products=product_id) | Q(products__isnull=True))
    return parts.filter(pk__in=fitting.values("pk"))


class QuoteLineForm(VersionMixin, Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices, initial=LineKind.LABOUR)
    spare_part = SparePartField(
        label=_("Spare part"), queryset=SparePart.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("Empty for a part: its catalog name."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0, initial=1
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty for a part: its catalog price."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spare_part"].queryset = spare_parts_for(request)
        if request is not None:
            # Picking a part fills in its catalog name and price (htmx; without it, the
            # service fills them in when they are left empty).
            self.fields["spare_part"].widget.attrs.update(
                {
                    "hx-get": reverse("quotes:part_defaults", args=[request.number]),
                    "hx-target": "#line-fields",
                    "hx-swap": "outerHTML",
                    "hx-include": "#line-fields",
                    "hx-trigger": "change",
                }
            )

    def clean(self):
        data = super().clean()
        if data.get("spare_part") is not None:
            # Picking a part makes it a part line, whatever the kind selector said.
            data["kind"] = LineKind.PART
        return data

    def line(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            kind=data["kind"],
            description=data.get("description") or "",
            quantity=data["quantity"],
            unit_price=data.get("unit_price"),
            spare_part=data.get("spare_part"),
        )


class QuoteEditForm(VersionMixin, Form):
    note = forms.CharField(
        label=_("Note to the customer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The customer reads this with the quote."),
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)


class AnswerForm(VersionMixin, Form):
    """Staff record the customer's answer, and how it came."""

    decision = forms.ChoiceField(
        label=_("The customer"),
        choices=[("accept", _("accepts")), ("decline", _("declines"))],
        widget=forms.RadioSelect,
    )
    via = forms.ChoiceField(
        label=_("How did the customer answer?"),
        choices=[(value, AnswerVia(value).label) for value in STAFF_VIAS],
        initial=AnswerVia.PHONE,
    )
    note = forms.CharField(
        label=_("Note or reason (the customer sees this)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(VersionMixin, Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PayForm(Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=PaymentMethod.choices)
    paid_at = forms.DateTimeField(
        label=_("Paid at"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Empty for now."),
    )


class WaiveForm(Form):
    reason = forms.CharField(
        label=_("Why is it waived? (the customer sees this)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LinkAnswerForm(forms.Form):
    """The customer's own answer on their link page: the button they press, and a reason."""

    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    reason = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
