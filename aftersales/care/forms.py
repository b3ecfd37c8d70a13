"""Forms of the campaign pages: drawing a campaign, and what came of one contact."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.care.models import CampaignKind, Method
from aftersales.care.services import OUTCOMES
from aftersales.core.forms import DateInput, Form


class DrawForm(Form):
    kind = forms.ChoiceField(label=_("For"), choices=CampaignKind.choices)
    drawn_on = forms.DateField(label=_("Draw the list for"), widget=DateInput(),
                               initial=timezone.localdate)  # fmt: skip
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Message subject"), required=False, max_length=200)
    message = forms.CharField(label=_("Message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ContactForm(Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[(s.value, s.label) for s in OUTCOMES])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
