"""The portal's forms: big fields for a phone, labels in the customer's words.

They only read input; the rules (serial already registered, invoice type, what may be
cancelled…) are in `portal.services` and come back as errors on the fields.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Product
from aftersales.core.forms import DateInput, Form
from aftersales.portal.services import KINDS
from aftersales.service.choices import Kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (the phone's camera or gallery)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class ProductField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.name} ({obj.sku})"


class RegisterUnitForm(Form):
    serial_number = forms.CharField(
        label=_("Serial number"),
        max_length=64,
        help_text=_("On the label on the back or bottom of the unit, or on its box."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    product = ProductField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Choose the product"),
    )
    purchased_on = forms.DateField(label=_("Purchase date"), widget=DateInput)
    invoice = forms.FileField(
        label=_("Invoice photo"),
        required=False,
        help_text=_("A photo or a PDF of the invoice or receipt."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).order_by("name")


class NewRequestForm(Form):
    token = forms.CharField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label=_("Which unit?"),
        queryset=None,
        required=False,
        empty_label=_("None of them / not a unit"),
    )
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[(kind, Kind(kind).label) for kind in KINDS],
        initial=Kind.REPAIR,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        help_text=_("What you see or hear, since when, and any code on the display."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos (optional)"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.product.name} · {u.serial_number}"
        # Suggested articles while the customer types (htmx swaps them in under the field).
        self.fields["description"].widget.attrs.update(
            {
                "hx-get": reverse("portal:suggestions"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#suggestions",
                "hx-sync": "this:replace",
            }
        )


class ReplyForm(Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = PhotosField(label=_("Photos (optional)"))


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Why do you want to cancel it?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuoteAnswerForm(Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you decline? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
