"""The roles a user can have, and which groups of roles share which powers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Service manager")
    AGENT = "agent", _("Agent")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")
    PARTNER = "partner", _("Partner staff")
    CUSTOMER = "customer", _("Customer")


# People in the back office see every customer and request.
BACK_OFFICE = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT, Role.DISPATCHER})
# People in the field see only the work that is theirs or their service center's.
FIELD = frozenset({Role.TECHNICIAN, Role.PARTNER})
# Roles that may use the staff web UI.
STAFF_UI = BACK_OFFICE | FIELD
# Roles that may change back-office data such as the catalog.
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})


def signed_in(user) -> bool:
    """A user who is logged in and not deactivated (any role)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user) -> str | None:
    """The role a user acts in: None when not logged in or deactivated; superusers act
    as administrators whatever their role field says. Every app's access rules start here."""
    if not signed_in(user):
        return None
    return Role.ADMIN if user.is_superuser else user.role
