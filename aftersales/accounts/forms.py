from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The login or password is not right. Check both and try again; a password is "
            "case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username, email or mobile number")
        username.widget.attrs["autocomplete"] = "username"


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


# --- Customer sign-up and password reset (accounts.signup, accounts.reset) ---------------


def _new_password_field(label):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )


def _code_field():
    return forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "class": "form-control-lg text-center",
            }
        ),
    )


class SignupForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))  # fmt: skip
    address = forms.CharField(
        label=_("Mobile number or email"),
        max_length=254,
        help_text=_("We send a code to it to check it is yours."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = _new_password_field(_("Password"))


class CodeForm(BootstrapMixin, forms.Form):
    code = _code_field()


class ResetForm(BootstrapMixin, forms.Form):
    address = forms.CharField(
        label=_("Mobile number or email"),
        max_length=254,
        help_text=_("The one you log in with."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class ResetCodeForm(BootstrapMixin, forms.Form):
    code = _code_field()
    password = _new_password_field(_("New password"))


class SetPasswordForm(BootstrapMixin, forms.Form):
    password = _new_password_field(_("Choose a password"))
