"""The message template form: text fields edited here, checked by `services.save_template`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ModelForm
from aftersales.notifications.models import Channel, MessageTemplate


class TemplateForm(ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "language", "subject", "body", "active"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # What a template is for is fixed once it exists; its text is what changes.
            for name in ("event", "channel", "language"):
                self.fields[name].disabled = True
        if read_only:
            for field in self.fields.values():
                field.disabled = True
        self.fields["subject"].help_text = _("Email only; SMS and WeChat have no subject.")

    def clean(self):
        data = super().clean()
        if data.get("channel") and data["channel"] != Channel.EMAIL:
            data["subject"] = ""
        return data
