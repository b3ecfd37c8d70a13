"""Forms of the network pages. They collect input; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.core.forms import CollectingModelForm, DateInput, Form
from aftersales.field import services
from aftersales.field.models import (
    Absence,
    CenterCoverage,
    ServiceCenter,
    Technician,
    TechnicianSkill,
)


class NoUniqueCheckFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        # Rows listed twice are refused by the service, in the same words as the API.
        return


# --- Centers ------------------------------------------------------------------------------


class CenterForm(CollectingModelForm):
    class Meta:
        model = ServiceCenter
        fields = [
            "code", "name", "kind", "province", "city", "address", "phone", "email", "manager",
            "latitude", "longitude", "opening_hours", "daily_capacity", "active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = User.objects.filter(is_active=True).exclude(
            role=Role.CUSTOMER
        )


class CoverageForm(CollectingModelForm):
    class Meta:
        model = CenterCoverage
        fields = ["province", "city", "district"]


CoverageFormSet = forms.inlineformset_factory(
    ServiceCenter,
    CenterCoverage,
    form=CoverageForm,
    formset=NoUniqueCheckFormSet,
    extra=3,
    can_delete=True,
)


def coverage_from(formset) -> list[services.Coverage]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not any((data.get("city"), data.get("district"), data.get("province"))):
            continue
        rows.append(
            services.Coverage(
                data.get("city") or "", data.get("district") or "", data.get("province") or ""
            )
        )
    return rows


# --- Technicians --------------------------------------------------------------------------


class TechnicianForm(CollectingModelForm):
    class Meta:
        model = Technician
        fields = [
            "user", "home_center", "active", "phone", "calendar", "start_latitude",
            "start_longitude",
        ]  # fmt: skip

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True, role__in=[Role.TECHNICIAN, Role.PARTNER])
        centers = ServiceCenter.objects.filter(active=True)
        if actor is not None and not services.can_manage_network(actor):
            # Partner staff: their own center and its people only.
            people = people.filter(service_center_id=actor.service_center_id)
            centers = ServiceCenter.objects.filter(pk=actor.service_center_id)
        if self.instance.pk:
            people = User.objects.filter(pk=self.instance.user_id)
            self.fields["user"].disabled = True
        else:
            people = people.filter(technician__isnull=True)
        self.fields["user"].queryset = people.order_by("username")
        self.fields["home_center"].queryset = centers


class SkillForm(CollectingModelForm):
    class Meta:
        model = TechnicianSkill
        fields = ["category", "level", "certified_until"]
        widgets = {"certified_until": DateInput()}


SkillFormSet = forms.inlineformset_factory(
    Technician,
    TechnicianSkill,
    form=SkillForm,
    formset=NoUniqueCheckFormSet,
    extra=2,
    can_delete=True,
)


def skills_from(formset) -> list[services.Skill]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("category"):
            continue
        rows.append(
            services.Skill(data["category"], int(data["level"]), data.get("certified_until"))
        )
    return rows


class AbsenceForm(Form):
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reason"), choices=Absence.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
