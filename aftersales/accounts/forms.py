from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    pass


class PasswordForm(BootstrapMixin, PasswordChangeForm):
    pass


class ProfileForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language", "time_zone"]
        help_texts = {"time_zone": _("For example Asia/Shanghai; empty means the default.")}


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("What the token is for"), max_length=100, required=False,
        help_text=_("For example: ERP integration"),
    )  # fmt: skip
