"""Template tags of the complaints app: its panel on the service request page."""

from django import template

from aftersales.complaints import selectors, services
from aftersales.complaints.forms import AdoptForm, ApologyForm, CauseForm, SignOffForm
from aftersales.service.choices import Kind, Status

register = template.Library()


@register.inclusion_tag("complaints/_request_panel.html", takes_context=True)
def complaints_panel(context, service_request):
    """A complaint's request: its severity, repeat flag, what it is about and the steps as
    small forms (to agents and managers; the sign-off to managers). Any other request: the
    complaints about it and "Complain about this request"; a request of kind complaint
    taken elsewhere also gets "Handle as a complaint". Nothing for those who may not
    see complaints (technicians, customers)."""
    user = context.get("user")
    shown = {"obj": service_request, "user": user, "request": context.get("request")}
    if user is None or not services.can_view(user):
        return shown | {"visible": False}
    complaint = selectors.complaint_of(user, service_request)
    if complaint is None:
        can_work = services.can_work(user)
        adoptable = (
            can_work
            and service_request.kind == Kind.COMPLAINT
            and service_request.status not in (Status.CLOSED, Status.CANCELLED)
        )
        return shown | {
            "visible": True,
            "about": list(selectors.complaints_about(user, service_request)),
            "can_work": can_work and service_request.status != Status.CANCELLED,
            "adopt_form": AdoptForm() if adoptable else None,
        }
    working = services.can_work(user) and not complaint.signed_off
    version = {"version": complaint.version}
    missing = services.missing_steps(complaint)
    may_sign = (
        services.can_sign_off(user)
        and not complaint.signed_off
        and not missing
        and service_request.status == Status.RESOLVED
    )
    cause = {
        "root_cause": complaint.root_cause,
        "detail": complaint.root_cause_detail,
        "corrective_action": complaint.corrective_action,
    }
    return shown | {
        "visible": True,
        "complaint": complaint,
        "missing": missing,
        "apology_form": ApologyForm(initial=version) if working else None,
        "cause_form": CauseForm(initial=version | cause) if working else None,
        "sign_off_form": SignOffForm(initial=version) if may_sign else None,
    }
