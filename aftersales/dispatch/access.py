"""Who sees and acts on which visit. Checked on the server, always.

- Back office (administrator, service manager, agent, dispatcher): every visit, and may
  create, schedule, unschedule and cancel any of them (and do a technician's step on
  their behalf).
- Technician: only visits they are scheduled for, and the technician's steps on them.
- Partner staff: only their own service center's visits; they manage them like the
  back office does for theirs. Another center's visit is not found (404).
- Customers: none.
"""

from django.db.models import QuerySet

from aftersales.accounts.roles import Role, role_of
from aftersales.dispatch.models import Visit


def visible_visits(user, queryset: QuerySet | None = None) -> QuerySet[Visit]:
    queryset = Visit.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    if role == Role.TECHNICIAN:
        return queryset.filter(technician__user=user)
    if role == Role.PARTNER and user.service_center_id:
        return queryset.filter(center_id=user.service_center_id)
    return queryset.none()


def can_use(user) -> bool:
    """Open the visit pages at all."""
    role = role_of(user)
    return role is not None and (
        user.is_back_office or role == Role.TECHNICIAN or (role == Role.PARTNER)
    )


def can_manage_center(user, center_id) -> bool:
    """Create, schedule, unschedule and cancel visits of this center."""
    role = role_of(user)
    if role is None:
        return False
    if user.is_back_office:
        return True
    return role == Role.PARTNER and bool(center_id) and user.service_center_id == center_id


def can_book(user, request) -> bool:
    """Offer to book a visit for this open request: the back office, and partner staff
    (for their own center; `services.create_visit` checks which center)."""
    role = role_of(user)
    return bool(
        role is not None and request.is_open and (user.is_back_office or role == Role.PARTNER)
    )


def can_manage(user, visit: Visit) -> bool:
    return can_manage_center(user, visit.center_id)


def is_own_technician(user, visit: Visit) -> bool:
    return (
        role_of(user) is not None
        and visit.technician_id is not None
        and visit.technician.user_id == user.pk
    )


def can_act(user, visit: Visit) -> bool:
    """Do the technician's steps: start travel, check in, check out."""
    return is_own_technician(user, visit) or can_manage(user, visit)
