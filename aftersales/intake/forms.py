"""The help form (phone first: big fields, the keyboards a phone needs) and the staff
filters."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.core.forms import DateInput, Form
from aftersales.core.uploads import check_upload
from aftersales.intake import services
from aftersales.intake.models import Outcome, Provider


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos; each is checked for type and size as it arrives."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        try:
            services.check_photo_count(len(files))
        except DomainError as error:
            raise ValidationError(error.message) from None
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except DomainError as error:
                errors.append(str(error.message))
        if errors:
            raise ValidationError(errors)
        return files


class HelpForm(Form):
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    serial_number = forms.CharField(
        label=_("Serial number (optional)"), max_length=64, required=False,
        help_text=_("On the label at the back or bottom of the product (S/N)."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What is wrong?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _(
            "For example: the air conditioner runs but does not cool, the screen shows E1."
        )}),
    )  # fmt: skip
    photos = PhotosField(label=_("Photos (optional)"), required=False)
    # Hidden from people by CSS; robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )  # fmt: skip
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        photos = self.fields["photos"]
        photos.widget.attrs["accept"] = "image/*"
        photos.help_text = gettext("Up to %(n)s photos of the product, its label or the error.") % {
            "n": settings.INTAKE_MAX_PHOTOS
        }

    def clean(self):
        data = super().clean()
        missing = not data.get("phone", "").strip() and not data.get("email", "").strip()
        if missing and "phone" not in self.errors and "email" not in self.errors:
            self.add_error(
                "phone", _("Give us a phone number or an email address so we can reach you.")
            )
        return data


class PeriodForm(Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The period ends before it starts."))
        return data


class InboundFilterForm(Form):
    provider = forms.ChoiceField(
        label=_("Provider"), required=False, choices=[("", _("All"))] + Provider.choices
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All"))] + Outcome.choices
    )
