from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import Form, ModelForm
from aftersales.customers.models import Contact, Customer, CustomerKind


class CustomerForm(ModelForm):
    class Meta:
        model = Customer
        fields = [
            "kind", "name", "phone", "email", "province", "city", "district", "address",
            "language", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "title", "phone", "email", "is_primary"]


class NoteForm(Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class CustomerFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *CustomerKind.choices], required=False
    )
    city = forms.CharField(label=_("City"), required=False)
    review = forms.BooleanField(label=_("Needs review"), required=False)
