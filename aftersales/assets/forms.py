from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit, UnitStatus
from aftersales.catalog.models import FaultCode, Product
from aftersales.core.forms import DateInput, Form, ModelForm
from aftersales.warranty.models import FaultCause


class UnitForm(ModelForm):
    class Meta:
        model = Unit
        fields = [
            "serial_number", "product", "purchased_on", "sales_channel", "invoice_number",
            "delivered_on", "installed_on", "notes",
        ]  # fmt: skip
        widgets = {
            "purchased_on": DateInput,
            "delivered_on": DateInput,
            "installed_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).select_related(
            "category"
        )
        if self.instance.pk:
            del self.fields["serial_number"]


class TransferForm(Form):
    new_owner = forms.CharField(
        label=_("New owner"), help_text=_("The new owner's full phone number or exact name.")
    )
    effective_on = forms.DateField(label=_("Date of change"), required=False, widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False)


class UnitFilterForm(Form):
    q = forms.CharField(label=_("Serial number or customer"), required=False)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *UnitStatus.choices], required=False
    )


class DecisionForm(Form):
    """The question an agent asks while the customer is on the phone."""

    fault = forms.ChoiceField(
        label=_("Fault cause"), choices=FaultCause.choices, initial=FaultCause.UNKNOWN
    )
    fault_code = forms.ModelChoiceField(
        label=_("Fault code"), queryset=FaultCode.objects.none(), required=False
    )
    reported_on = forms.DateField(label=_("Reported on"), required=False, widget=DateInput)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fault_code"].queryset = FaultCode.objects.filter(
            category=unit.product.category_id, active=True
        )
