"""Read-side queries of accounts for pages: a customer's portal logins."""

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role


def customer_logins(customer) -> QuerySet:
    """The logins of `customer` (invited, active or deactivated), in one query."""
    return (
        User.objects.filter(role=Role.CUSTOMER, customer=customer)
        .select_related("contact")
        .order_by("-is_active", "first_name", "id")
    )


def login_state(user: User) -> str:
    """ "deactivated", "invited" (no password set yet) or "active"."""
    if not user.is_active:
        return "deactivated"
    if not user.has_usable_password():
        return "invited"
    return "active"
