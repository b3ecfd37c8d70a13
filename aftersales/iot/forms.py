from aftersales.catalog.models import Product
from aftersales.core.forms import ModelForm
from aftersales.iot.models import MonitorRule


class RuleForm(ModelForm):
    class Meta:
        model = MonitorRule
        fields = [
            "product", "name", "kind", "metric", "threshold", "code", "minutes", "priority",
            "action", "tell_customer", "active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).order_by("sku")
