"""Forms of the technician's phone pages: the position of a step, and the check-out."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import FaultCode
from aftersales.core.forms import Form
from aftersales.dispatch.models import NotFixedReason

RATINGS = [("", _("No rating"))] + [(str(n), "★" * n) for n in range(1, 6)]
FIXED = [("yes", _("Yes, fixed")), ("no", _("No, not fixed"))]


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
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "expected_version": data["version"],
        }
