"""Forms of the settlement pages: a fee rate, and which statement to build."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import DateInput, Form, ModelForm
from aftersales.field.models import ServiceCenter
from aftersales.settlement.models import FeeRate


def partner_centers():
    return ServiceCenter.objects.filter(kind=ServiceCenter.Kind.PARTNER, active=True)


class FeeRateForm(ModelForm):
    class Meta:
        model = FeeRate
        fields = ["payee", "center", "kind", "category", "amount", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any center: a piece rate may be for an own center's technicians (the service
        # refuses a center fee for an own center, with the reason).
        self.fields["center"].queryset = ServiceCenter.objects.all()
        self.fields["center"].empty_label = _("All centers")
        self.fields["category"].empty_label = _("Any category")


class BuildForm(Form):
    center = forms.ModelChoiceField(queryset=None, label=_("Service center"))
    month = forms.CharField(
        label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}), max_length=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = partner_centers()


class MonthForm(Form):
    month = forms.CharField(
        label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}), max_length=10
    )
