"""Form helpers: Bootstrap classes on every widget, and DomainError shown on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from aftersales.core.errors import DomainError


class BootstrapMixin:
    """Give each widget Bootstrap's class so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class Form(BootstrapMixin, forms.Form):
    pass


class ModelForm(BootstrapMixin, forms.ModelForm):
    pass


class CollectingModelForm(ModelForm):
    """A model form that only puts the input on its instance.

    The service's `check_*` validates the instance (field values included) and says what
    is wrong in words a manager understands, the same as the API; the model form's own
    validation would say some of it again with generic messages ("Constraint … is
    violated").
    """

    def _post_clean(self):
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def show_error(form, error, field_map: dict[str, str] | None = None) -> None:
    """Put a service's refusal (DomainError or ValidationError) on the form, field by field.

    `field_map` renames model fields to form fields where they differ (serial_number → new_serial).
    """
    field_map = field_map or {}

    def target(name):
        name = field_map.get(name, name)
        return name if name in form.fields else None

    if isinstance(error, DomainError):
        form.add_error(target(error.field) if error.field else None, str(error.message))
    elif hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(target(name), messages)
    else:
        form.add_error(None, error.messages)
