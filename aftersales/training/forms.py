"""Forms of the training pages: a course, a session, enrolling someone, the roster marks."""

import decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF_UI
from aftersales.core.forms import CollectingModelForm, DateTimeInput, Form
from aftersales.training.models import Course, Result, Session
from aftersales.training.services import Mark
from aftersales.warranty.models import ServicePlan


class CourseForm(CollectingModelForm):
    class Meta:
        model = Course
        fields = [
            "title", "audience", "delivery", "duration_hours", "price", "category", "product",
            "certifies_level", "description", "active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    plans = forms.ModelMultipleChoiceField(
        label=_("Included in service plans"),
        queryset=ServicePlan.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SessionForm(CollectingModelForm):
    class Meta:
        model = Session
        fields = ["course", "starts_at", "ends_at", "trainer", "center", "address",
                  "online_link", "seats"]  # fmt: skip
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    open_now = forms.BooleanField(label=_("Open for enrolment now"), required=False, initial=True)
    # A link typed without its scheme is https:// (and Django 5.2 warns unless told).
    online_link = forms.URLField(
        label=Session._meta.get_field("online_link").verbose_name,
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(active=True)
        self.fields["trainer"].queryset = User.objects.filter(
            is_active=True, role__in=STAFF_UI
        ).order_by("username")


class EnrolForm(Form):
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    technician = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("contact")) == bool(data.get("technician")):
            raise forms.ValidationError(_("Choose a customer contact or a technician to enrol."))
        return data


def marks_from(post, enrolments) -> tuple[list[Mark], list[str]]:
    """The roster form's rows (`attended-<id>`, `result-<id>`, `score-<id>`) as marks, and
    what was wrong with the input."""
    marks, errors = [], []
    for enrolment in enrolments:
        pk = enrolment.pk
        result = post.get(f"result-{pk}", "")
        if result not in Result.values:
            errors.append(_("Choose passed, failed or no result."))
            continue
        score_text = (post.get(f"score-{pk}") or "").strip().replace(",", ".")
        try:
            score = decimal.Decimal(score_text) if score_text else None
        except decimal.InvalidOperation:
            errors.append(_("A score is a number between 0 and 100."))
            continue
        marks.append(Mark(pk, bool(post.get(f"attended-{pk}")), result, score))
    return marks, errors
