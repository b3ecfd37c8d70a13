"""Escalation rules: managers edit them; the back office reads them (and sees what fired)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.escalations import services
from aftersales.escalations.forms import RuleForm
from aftersales.escalations.models import Escalation, EscalationRule

# Read: the back office. Change: administrators and service managers.
back_office_required = allowed_if(services.can_read)
manager_required = allowed_if(services.can_manage)


@back_office_required
def rule_list(request):
    rules = EscalationRule.objects.select_related("policy").annotate(times=Count("fired"))
    recent = Escalation.objects.select_related("request", "rule")[:20]
    return render(
        request,
        "escalations/rule_list.html",
        {
            "nav": "sla",
            "rules": rules,
            "recent": recent,
            "can_manage": services.can_manage(request.user),
        },
    )


def _rule_form(request, rule: EscalationRule):
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rule(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Rule %(name)s saved.") % {"name": saved.name})
            return redirect("escalations:rule_list")
    return render(
        request,
        "escalations/rule_form.html",
        {"nav": "sla", "form": form, "rule": rule if rule.pk else None},
    )


@manager_required
def rule_create(request):
    return _rule_form(request, EscalationRule())


@manager_required
def rule_edit(request, pk):
    return _rule_form(request, get_object_or_404(EscalationRule, pk=pk))
