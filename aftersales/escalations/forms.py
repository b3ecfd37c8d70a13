from aftersales.core.forms import ModelForm
from aftersales.escalations.models import EscalationRule


class RuleForm(ModelForm):
    class Meta:
        model = EscalationRule
        fields = [
            "name", "clock", "trigger", "after_minutes", "policy", "notify_assignee",
            "notify_team_lead", "notify_managers", "raise_priority", "reassign_to_lead",
            "active",
        ]  # fmt: skip
