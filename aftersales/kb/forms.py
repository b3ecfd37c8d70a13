from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, Product
from aftersales.core.forms import Form, ModelForm
from aftersales.kb.models import Article, Audience


class ArticleForm(ModelForm):
    publish = forms.BooleanField(
        label=_("Publish as a new version"), required=False, initial=True,
        help_text=_("Readers see the last published version; unpublished changes stay a draft."),
    )  # fmt: skip
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ["title", "kind", "audience", "category", "product", "fault_codes", "symptom",
                  "cause", "steps"]  # fmt: skip
        widgets = {
            "symptom": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "steps": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        self.fields["fault_codes"].queryset = self.fields["fault_codes"].queryset.select_related(
            "category"
        )

    def _post_clean(self):
        # The service validates and saves; the model form only collects the fields.
        pass


class SearchForm(Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.select_related("category"), required=False
    )
    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("", _("All"))] + Audience.choices, required=False
    )


class SolvedForm(Form):
    request_number = forms.CharField(label=_("Request number"), max_length=32)
