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


def role_of(user) -> str | None:
    """The role a user acts in: None when not logged in or deactivated; superusers act
    as administrators whatever their role field says. Every app's access rules start here."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role
