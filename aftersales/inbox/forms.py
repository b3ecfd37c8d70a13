"""The managers' mailbox form and the filters of the received-mail log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import CollectingModelForm, Form
from aftersales.inbox.models import Mailbox, Outcome


class MailboxForm(CollectingModelForm):
    class Meta:
        model = Mailbox
        fields = [
            "address", "name", "team", "language", "default_kind", "active", "is_default",
            "imap_host", "imap_port", "imap_ssl", "imap_user", "imap_folder", "imap_password_env",
        ]  # fmt: skip


class MailFilterForm(Form):
    q = forms.CharField(label=_("Sender or subject"), required=False)
    mailbox = forms.ModelChoiceField(
        label=_("Mailbox"), queryset=Mailbox.objects.all(), required=False,
        empty_label=_("All mailboxes"),
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any outcome")), *Outcome.choices], required=False
    )
    flagged = forms.BooleanField(label=_("Needs a look"), required=False)
