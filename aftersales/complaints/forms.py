"""Forms of the complaints pages: "New complaint" (filled in during the call) and the
panel's three steps. Each step form carries the version the user saw."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.models import ApologyHow, RootCause, Severity
from aftersales.core.forms import DateTimeInput, Form


class NewComplaintForm(Form):
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    about = forms.CharField(required=False, widget=forms.HiddenInput)
    customer_query = forms.CharField(
        label=_("Customer (phone number or name)"), required=False, max_length=100
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MAJOR,
        widget=forms.RadioSelect,
    )  # fmt: skip
    subject = forms.CharField(label=_("What is the complaint about"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    about_visit = forms.ModelChoiceField(
        label=_("About the visit"), queryset=None, required=False, empty_label=_("None")
    )
    apologised = forms.BooleanField(
        label=_("I apologised to the customer on this call"), required=False, initial=True
    )
    apology_note = forms.CharField(label=_("Apology note"), required=False, max_length=500)
    assign_to_me = forms.BooleanField(label=_("I handle it"), required=False, initial=True)

    def __init__(self, *args, visits=None, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.dispatch.models import Visit

        self.fields["about_visit"].queryset = (
            visits if visits is not None else Visit.objects.none()
        ).select_related("technician__user", "center")
        self.fields["about_visit"].label_from_instance = _visit_label


def _visit_label(visit) -> str:
    when = visit.day or (visit.checked_in_at.date() if visit.checked_in_at else None)
    who = visit.technician.user if visit.technician else visit.center
    return " · ".join(str(part) for part in (when, who, visit.get_status_display()) if part)


class ApologyForm(Form):
    prefix = "apology"
    how = forms.ChoiceField(
        label=_("How"), choices=ApologyHow.choices, initial=ApologyHow.CALL,
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(
        label=_("What was said (a message is sent to the customer as written)"),
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    first_contact_at = forms.DateTimeField(
        label=_("First contact, if earlier"), required=False, widget=DateTimeInput()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CauseForm(Form):
    prefix = "cause"
    root_cause = forms.ChoiceField(label=_("Root cause"), choices=RootCause.choices)
    detail = forms.CharField(label=_("Root cause detail"), required=False, max_length=2000)
    corrective_action = forms.CharField(
        label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignOffForm(Form):
    prefix = "signoff"
    note = forms.CharField(label=_("Sign-off note"), required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdoptForm(Form):
    prefix = "adopt"
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MAJOR,
        widget=forms.RadioSelect,
    )  # fmt: skip
