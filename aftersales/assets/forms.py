from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit, UnitStatus
from aftersales.catalog.models import Product
from aftersales.core.forms import DateInput, Form, ModelForm


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
