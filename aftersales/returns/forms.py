"""Forms of the returns pages: start a return, each step, the deduction and trade-in tables,
a valuation and the use of a credit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import CollectingModelForm, Form
from aftersales.returns.models import AccessoryDeduction, Condition, RmaKind, TradeInRate
from aftersales.warranty.models import PaymentMethod

MONEY = {"min_value": 0, "max_digits": 12, "decimal_places": 2}


class StartForm(Form):
    kind = forms.ChoiceField(label=_("Kind of return"), choices=RmaKind.choices)
    reason = forms.CharField(
        label=_("Customer's reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    price_paid = forms.DecimalField(label=_("Price paid (CNY)"), required=False, **MONEY)
    override_reason = forms.CharField(
        label=_("Override reason (manager, when the warranty does not allow it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReceiveForm(Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    accessories_present = forms.CharField(
        label=_("Accessories present"), required=False, max_length=500
    )
    missing = forms.ModelMultipleChoiceField(
        label=_("Missing accessories (deducted from a refund)"),
        queryset=AccessoryDeduction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleFileField(label=_("Photos"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, deductions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deductions is not None:
            self.fields["missing"].queryset = deductions


class InspectForm(Form):
    fault_confirmed = forms.TypedChoiceField(
        label=_("Is the reported fault there?"),
        choices=[("yes", _("Yes, fault confirmed")), ("no", _("No fault found"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    customer_damage = forms.BooleanField(label=_("Customer damage found"), required=False)
    note = forms.CharField(
        label=_("Inspection note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefundForm(Form):
    price_paid = forms.DecimalField(label=_("Price paid (CNY)"), required=False, **MONEY)
    method = forms.ChoiceField(label=_("Refund method"), choices=PaymentMethod.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ExchangeForm(Form):
    new_serial = forms.CharField(label=_("Serial number of the new unit"), max_length=64)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ShipForm(Form):
    repair_note = forms.CharField(
        label=_("What was repaired"), widget=forms.Textarea(attrs={"rows": 2})
    )
    tracking_number = forms.CharField(label=_("Shipment tracking"), required=False, max_length=64)


class RejectForm(Form):
    reason = forms.CharField(
        label=_("Reason (the customer reads it)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


STEP_FORMS = {
    "receive": ReceiveForm,
    "inspect": InspectForm,
    "refund": RefundForm,
    "exchange": ExchangeForm,
    "ship": ShipForm,
    "reject": RejectForm,
    "close": CloseForm,
}


class DeductionForm(CollectingModelForm):
    class Meta:
        model = AccessoryDeduction
        fields = ["name", "category", "amount", "percent", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = _("Any category")


class TradeInRateForm(CollectingModelForm):
    class Meta:
        model = TradeInRate
        fields = ["product", "category", "condition", "min_age_months", "max_age_months", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].empty_label = _("Any product of the category")
        self.fields["category"].empty_label = _("Any category")


class ValuationForm(Form):
    serial_number = forms.CharField(label=_("Serial number of the old unit"), max_length=64)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)


class UseCreditForm(Form):
    new_serial = forms.CharField(
        label=_("Serial number of the new unit"), required=False, max_length=64
    )
    reference = forms.CharField(
        label=_("Or the order / invoice number"), required=False, max_length=64
    )
