"""Forms of the visit pages: booking a visit from a request, the position of a
technician's step, and the check-out."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.catalog.models import FaultCode, SparePart
from aftersales.core.forms import DateInput, Form, TimeInput
from aftersales.dispatch.models import NotFixedReason

RATINGS = [("", _("No rating"))] + [(str(n), "★" * n) for n in range(1, 6)]
FIXED = [("yes", _("Yes, fixed")), ("no", _("No, not fixed"))]
PART_LINES = (1, 2, 3)


class StepForm(Form):
    """A step button: the visit's version, and where the phone was (filled by JS)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        required=False, max_digits=12, decimal_places=8, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=12, decimal_places=8, widget=forms.HiddenInput
    )


class CheckOutForm(StepForm):
    work_done = forms.CharField(
        label=_("Work done"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    fixed = forms.ChoiceField(
        label=_("Fixed on this visit?"), choices=FIXED, widget=forms.RadioSelect, initial="yes"
    )
    not_fixed_reason = forms.ChoiceField(
        label=_("Why not fixed"),
        choices=[("", "—"), *NotFixedReason.choices],
        required=False,
    )
    fault_codes = forms.ModelMultipleChoiceField(
        label=_("Fault codes"), queryset=FaultCode.objects.none(), required=False
    )
    customer_comment = forms.CharField(
        label=_("Customer comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    customer_rating = forms.ChoiceField(label=_("Rating"), choices=RATINGS, required=False)
    signed_by = forms.CharField(label=_("Signed by"), max_length=100, required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = FaultCode.objects.order_by("code")
        if visit is not None and visit.skill_id:
            codes = codes.filter(category_id=visit.skill_id)
        self.fields["fault_codes"].queryset = codes
        self.fields["fault_codes"].widget.attrs["size"] = 4
        # Parts used, from what the technician's van holds (parts app).
        from aftersales.dispatch.services import van_parts

        parts = van_parts(visit.technician) if visit is not None else SparePart.objects.none()
        for n in PART_LINES:
            self.fields[f"part_{n}"] = forms.ModelChoiceField(
                label=_("Part"), queryset=parts, required=False, empty_label="—"
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=99, required=False, initial=1
            )
            self.fields[f"old_back_{n}"] = forms.BooleanField(
                label=_("Old part taken back"), required=False
            )
        self.part_lines = [
            (self[f"part_{n}"], self[f"quantity_{n}"], self[f"old_back_{n}"]) for n in PART_LINES
        ]

    def parts_used(self) -> list[tuple]:
        data = self.cleaned_data
        return [
            (data[f"part_{n}"], data.get(f"quantity_{n}") or 1, bool(data.get(f"old_back_{n}")))
            for n in PART_LINES
            if data.get(f"part_{n}")
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "work_done": data["work_done"],
            "first_time_fix": data["fixed"] == "yes",
            "not_fixed_reason": data["not_fixed_reason"],
            "customer_comment": data["customer_comment"],
            "customer_rating": int(data["customer_rating"]) if data["customer_rating"] else None,
            "signed_by": data["signed_by"],
            "signature_png_bytes": data["signature"],
            "fault_codes": list(data["fault_codes"]) if data["fault_codes"] else None,
            "parts_used": self.parts_used(),
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "expected_version": data["version"],
        }


class BookVisitForm(Form):
    """What the agent agrees with the customer on the phone: the day, and a time window
    if the customer wants one."""

    day = forms.DateField(label=_("Day"), widget=DateInput)
    window_from = forms.TimeField(
        label=pgettext_lazy("time window", "From"),
        required=False,
        widget=TimeInput,
    )
    window_to = forms.TimeField(
        label=pgettext_lazy("time window", "To"),
        required=False,
        widget=TimeInput,
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes on site"), min_value=10, max_value=600, initial=60
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("window_from")) != bool(data.get("window_to")):
            raise forms.ValidationError(_("Give both ends of the time window, or neither."))
        return data

    def window(self):
        data = self.cleaned_data
        if not data.get("window_from"):
            return None
        zone = timezone.get_current_timezone()
        return tuple(
            datetime.datetime.combine(data["day"], data[name], tzinfo=zone)
            for name in ("window_from", "window_to")
        )
