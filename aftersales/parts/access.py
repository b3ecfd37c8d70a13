"""Who sees and moves which stock.

- Back office (administrator, service manager, agent, dispatcher): sees every location;
  agents and dispatchers reserve parts for requests and record parts used.
- Service managers (and administrators) also receive goods, transfer between any
  locations, scrap, count stock (adjust), keep reorder points and send faulty parts back
  to the supplier or scrap them.
- Partner staff: only their own center's locations (its stock, its defective stock and
  its technicians' vans); they move parts between those, receive what was sent to them,
  reserve and record parts used there.
- Technicians: only their own van; they receive what was sent to it, reserve and record
  parts used from it.
- Customers: nothing.
"""

from django.db.models import Q, QuerySet

from aftersales.accounts.roles import Role, role_of
from aftersales.parts.models import LocationKind, StockLocation


def can_view_stock(user) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if user.is_back_office or role == Role.TECHNICIAN:
        return True
    return role == Role.PARTNER and bool(user.service_center_id)


def can_manage_stock(user) -> bool:
    """Receipts, any transfer, scrap, stocktake, reorder points, defective parts' fate."""
    return role_of(user) is not None and user.is_manager


def location_filter(user) -> Q | None:
    """A Q on StockLocation for what the user may see; None: everything; Q(pk=None)-like
    empty condition when nothing."""
    role = role_of(user)
    if role is None:
        return Q(pk__in=[])
    if user.is_back_office:
        return None
    if role == Role.PARTNER and user.service_center_id:
        return Q(center_id=user.service_center_id) | Q(
            kind=LocationKind.VAN, technician__home_center_id=user.service_center_id
        )
    if role == Role.TECHNICIAN:
        return Q(kind=LocationKind.VAN, technician__user_id=user.pk)
    return Q(pk__in=[])


def visible_locations(user, queryset: QuerySet | None = None) -> QuerySet[StockLocation]:
    queryset = StockLocation.objects.all() if queryset is None else queryset
    condition = location_filter(user)
    return queryset if condition is None else queryset.filter(condition)


def filter_by_location(user, queryset: QuerySet, field: str = "location") -> QuerySet:
    """Rows of `queryset` whose `field` (a StockLocation relation) the user may see."""
    if location_filter(user) is None:
        return queryset
    return queryset.filter(**{f"{field}__in": visible_locations(user).values("pk")})


def can_see_location(user, location: StockLocation) -> bool:
    if location_filter(user) is None:
        return role_of(user) is not None
    return visible_locations(user).filter(pk=location.pk).exists()


def can_work_at(user, location: StockLocation) -> bool:
    """Reserve, use and receive parts at `location` (requests are checked separately)."""
    if role_of(user) is None or role_of(user) == Role.CUSTOMER:
        return False
    if user.is_back_office:
        return True
    return can_see_location(user, location)


def can_transfer(user, source: StockLocation, target: StockLocation) -> bool:
    """Managers move stock anywhere; partner staff between their own center's locations."""
    if can_manage_stock(user):
        return True
    return (
        role_of(user) == Role.PARTNER
        and can_see_location(user, source)
        and can_see_location(user, target)
    )
