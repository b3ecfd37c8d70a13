"""Who may see and change which request, customer and unit. Checked on the server, always.

- Back office (administrator, service manager, agent, dispatcher): everything.
- Technician: requests assigned to them or to their service center.
- Partner staff: only their own service center's requests.
- Customer: only their own customer's requests and units, and only public timeline entries.
Field roles see the customers and units of the requests they can see, read-only.
"""

from django.db.models import Q, QuerySet

from aftersales.accounts.roles import Role, role_of
from aftersales.assets.models import Unit
from aftersales.customers.models import Customer
from aftersales.service import workflow
from aftersales.service.choices import Status, Visibility
from aftersales.service.models import ServiceRequest

# Fields that people in the field may change on a request they work on; the rest
# (priority, routing, customer) belongs to the back office.
FIELD_EDITABLE = frozenset({"diagnosis", "fault_cause", "fault_codes", "description"})
PARTNER_EDITABLE = FIELD_EDITABLE | {"assignee"}
ARCHIVED_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})


def visible_requests(user, queryset: QuerySet | None = None) -> QuerySet[ServiceRequest]:
    queryset = ServiceRequest.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    # People in the field also see the requests they (or their center) have a visit on,
    # which a dispatcher may send them to from another center's request.
    if role == Role.TECHNICIAN:
        mine = Q(assignee=user) | Q(pk__in=_with_visits(technician__user=user))
        if user.service_center_id:
            mine |= Q(service_center_id=user.service_center_id)
        return queryset.filter(mine)
    if role == Role.PARTNER:
        if not user.service_center_id:
            return queryset.none()
        center = user.service_center_id
        return queryset.filter(
            Q(service_center_id=center) | Q(pk__in=_with_visits(center_id=center))
        )
    if role == Role.CUSTOMER and user.customer_id:
        return queryset.filter(customer_id=user.customer_id)
    return queryset.none()


def _with_visits(**visit_filter) -> QuerySet:
    """Ids of requests having a visit that matches (a subquery, no duplicate rows)."""
    conditions = {f"visits__{name}": value for name, value in visit_filter.items()}
    return ServiceRequest.objects.filter(**conditions).values("pk")


def visible_customers(user, queryset: QuerySet | None = None) -> QuerySet[Customer]:
    queryset = Customer.objects.all() if queryset is None else queryset
    if role_of(user) is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    if user.role == Role.CUSTOMER:
        return queryset.filter(pk=user.customer_id) if user.customer_id else queryset.none()
    return queryset.filter(pk__in=visible_requests(user).values("customer_id"))


def visible_units(user, queryset: QuerySet | None = None) -> QuerySet[Unit]:
    queryset = Unit.objects.all() if queryset is None else queryset
    if role_of(user) is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    if user.role == Role.CUSTOMER:
        return (
            queryset.filter(customer_id=user.customer_id) if user.customer_id else queryset.none()
        )
    return queryset.filter(pk__in=visible_requests(user).exclude(unit=None).values("unit_id"))


def can_view(user, request: ServiceRequest) -> bool:
    return visible_requests(user).filter(pk=request.pk).exists()


def can_manage_customers(user) -> bool:
    """Create and edit customers, contacts and units."""
    return role_of(user) is not None and user.is_back_office


def editable_fields(user, request: ServiceRequest) -> frozenset[str]:
    role = role_of(user)
    if role is None or role == Role.CUSTOMER:
        return frozenset()
    if request.status in ARCHIVED_STATUSES and not user.is_manager:
        # A closed or cancelled request is the archive; only a manager may correct it.
        return frozenset()
    if user.is_back_office:
        return frozenset(ALL_EDITABLE)
    return PARTNER_EDITABLE if role == Role.PARTNER else FIELD_EDITABLE


def can_transition(user, request: ServiceRequest, target: str) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role == Role.CUSTOMER:
        # A customer may withdraw their own request until we have started on it.
        return (
            request.customer_id == user.customer_id
            and request.status == Status.NEW
            and target == Status.CANCELLED
        )
    if user.is_back_office:
        return True
    if (
        target in (Status.CANCELLED, Status.CLOSED)
        or workflow.Move(request.status, target).is_reopen
    ):
        # Cancelling, closing (after the follow-up) and reopening are back-office decisions.
        return False
    # "Assign" means choosing someone, which is routing; a technician takes a request
    # for themselves with "Start work" instead.
    return target != Status.ASSIGNED or "assignee" in editable_fields(user, request)


def comment_visibilities(user) -> tuple[str, ...]:
    """Customers write only messages; staff write messages and internal notes."""
    if role_of(user) == Role.CUSTOMER:
        return (Visibility.PUBLIC,)
    return (Visibility.INTERNAL, Visibility.PUBLIC)


def sees_internal(user) -> bool:
    return role_of(user) not in (None, Role.CUSTOMER)


ALL_EDITABLE = (
    "customer",
    "contact",
    "unit",
    "channel",
    "kind",
    "subject",
    "description",
    "priority",
    "diagnosis",
    "fault_cause",
    "fault_codes",
    "assignee",
    "team",
    "service_center",
    "received_at",
    "needs_visit",
)
