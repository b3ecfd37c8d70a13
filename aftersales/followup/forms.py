"""The follow-up call form: who answered, is it solved, how satisfied, what they said."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import Form, ModelForm
from aftersales.followup.models import FollowUpRule, Reached
from aftersales.service.choices import Kind

SOLVED = (("", _("—")), ("yes", _("Yes, solved")), ("no", _("No, not solved")))
SCORES = [("", _("not asked"))] + [(str(n), str(n)) for n in range(1, 6)]


class CallForm(Form):
    result = forms.ChoiceField(label=_("Result"), choices=Reached.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    solved = forms.ChoiceField(label=_("Is the problem solved?"), choices=SOLVED, required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"), choices=SCORES, coerce=int, empty_value=None,
        required=False,
    )  # fmt: skip
    comments = forms.CharField(label=_("Customer's comments"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    note = forms.CharField(label=_("Internal note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def outcome(self) -> dict:
        data = self.cleaned_data
        solved = {"yes": True, "no": False}.get(data.get("solved") or "")
        return {
            "result": data["result"],
            "solved": solved,
            "satisfaction": data.get("satisfaction"),
            "comments": data.get("comments", ""),
            "note": data.get("note", ""),
            "expected_version": data["version"],
        }


class RuleForm(ModelForm):
    class Meta:
        model = FollowUpRule
        fields = ["kind", "plan", "days", "method", "script", "active"]
        widgets = {"script": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind"))] + list(Kind.choices)
        self.fields["plan"].empty_label = _("Any plan")
