from django.contrib.auth.forms import AuthenticationForm

from aftersales.core.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    pass
