"""Forms of the request pages. They collect and clean input; the rules are in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.assets.models import Unit
from aftersales.catalog.models import FaultCode, Product
from aftersales.core.forms import DateInput, DateTimeInput, Form, ModelForm
from aftersales.customers.models import Contact, Customer, CustomerKind
from aftersales.service import access
from aftersales.service.choices import (
    CallDirection,
    Kind,
    Priority,
    ResolutionType,
    Visibility,
)
from aftersales.service.filters import assignee_choices
from aftersales.service.models import ServiceRequest


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.get_role_display()}"


class CallIntakeForm(Form):
    """Everything an agent types while the customer is on the line."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.all(), required=False, widget=forms.HiddenInput
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), required=False)
    # A new caller, when no match was picked.
    new_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    new_kind = forms.ChoiceField(
        label=_("Kind"), choices=CustomerKind.choices, initial=CustomerKind.PERSON, required=False
    )
    new_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    new_province = forms.CharField(label=_("Province"), max_length=50, required=False)
    new_city = forms.CharField(label=_("City"), max_length=50, required=False)
    new_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    # A unit not yet registered.
    new_serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    new_product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True), required=False
    )
    new_purchased_on = forms.DateField(label=_("Purchase date"), required=False, widget=DateInput)
    # The request.
    description = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the first line of the description."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.REPAIR)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    received_at = forms.DateTimeField(
        label=_("Call received at"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Leave empty for now; set it when logging an earlier call."),
    )
    needs_visit = forms.BooleanField(
        label=_("On-site visit needed"),
        required=False,
        help_text=_("Starts the on-site arrival clock (24 h in tier-1 cities, 48 h elsewhere)."),
    )
    solved = forms.BooleanField(label=_("Solved during the call"), required=False)
    resolution_type = forms.ChoiceField(
        label=_("How"),
        choices=[("", "—"), *ResolutionType.choices],
        required=False,
    )
    resolution_summary = forms.CharField(
        label=_("Solution given"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = access.visible_customers(user)
        self.fields["unit"].queryset = access.visible_units(user)
        self.fields["unit"].widget = forms.HiddenInput()
        self.fields["description"].widget.attrs["placeholder"] = _(
            "e.g. The air conditioner stopped cooling yesterday; error E1 on the display."
        )

    def clean(self):
        data = super().clean()
        customer, unit = data.get("customer"), data.get("unit")
        if customer is None and not data.get("new_name"):
            raise forms.ValidationError(
                _("Pick the caller from the matches, or enter a name to create a new customer.")
            )
        if unit is not None and customer is not None and unit.customer_id != customer.pk:
            self.add_error("unit", _("This unit belongs to another customer."))
        if data.get("new_serial") and not data.get("new_product"):
            self.add_error("new_product", _("Choose the product of the new unit."))
        received = data.get("received_at")
        if received and received > timezone.now():
            self.add_error("received_at", _("The call cannot have been received in the future."))
        return data

    def new_customer(self) -> dict:
        data = self.cleaned_data
        if data.get("customer"):
            return {}
        return {
            "name": data["new_name"],
            "kind": data.get("new_kind") or CustomerKind.PERSON,
            "phone": data.get("new_phone", ""),
            "province": data.get("new_province", ""),
            "city": data.get("new_city", ""),
            "address": data.get("new_address", ""),
        }

    def new_unit(self) -> dict:
        data = self.cleaned_data
        if data.get("unit") or not data.get("new_serial"):
            return {}
        return {
            "serial_number": data["new_serial"],
            "product": data["new_product"],
            "purchased_on": data.get("new_purchased_on"),
        }


class RequestEditForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ServiceRequest
        fields = [
            "subject",
            "description",
            "kind",
            "priority",
            "channel",
            "diagnosis",
            "fault_cause",
            "fault_codes",
            "unit",
            "contact",
            "assignee",
            "team",
            "service_center",
            "received_at",
            "needs_visit",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "received_at": DateTimeInput,
            "fault_codes": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"assignee": AssigneeField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.instance
        self.fields["version"].initial = request.version
        self.fields["unit"].queryset = Unit.objects.filter(customer=request.customer_id)
        self.fields["contact"].queryset = Contact.objects.filter(customer=request.customer_id)
        self.fields["assignee"].queryset = assignee_choices()
        codes = FaultCode.objects.filter(active=True).select_related("category")
        if request.unit_id:
            codes = codes.filter(category=request.unit.product.category_id)
        self.fields["fault_codes"].queryset = codes
        allowed = access.editable_fields(user, request)
        for name in list(self.fields):
            if name != "version" and name not in allowed:
                del self.fields[name]

    def changes(self) -> dict:
        """Only the fields the user actually changed, so others' edits are not overwritten."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class TransitionForm(Form):
    to = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assignee = AssigneeField(label=_("Assign to"), queryset=User.objects.none(), required=False)
    resolution_type = forms.ChoiceField(
        label=_("Resolution"), choices=[("", "—"), *ResolutionType.choices], required=False
    )
    resolution_summary = forms.CharField(
        label=_("Solution"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignee_choices()


class CommentForm(Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )


class CallLogForm(Form):
    direction = forms.ChoiceField(
        label=_("Call"), choices=CallDirection.choices, initial=CallDirection.OUTBOUND
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=0, required=False)
    body = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(Form):
    file = forms.FileField(label=_("File"))
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
