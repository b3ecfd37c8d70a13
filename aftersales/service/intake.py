"""Taking a phone call: find or create the caller and unit, open the request, maybe solve it.

All of it happens in one transaction, so a refused part (a duplicate serial number, a bad
date) leaves nothing half-made behind.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from aftersales.assets.services import register_unit
from aftersales.core.errors import DomainError
from aftersales.customers.services import create_customer
from aftersales.service import services
from aftersales.service.choices import Channel, Kind, Priority, Status
from aftersales.service.models import ServiceRequest

SUBJECT_LENGTH = 60


@dataclass
class CallIntake:
    description: str
    subject: str = ""
    kind: str = Kind.REPAIR
    priority: str = Priority.NORMAL
    needs_visit: bool = False
    received_at: datetime.datetime | None = None
    customer: object | None = None
    new_customer: dict = field(default_factory=dict)
    unit: object | None = None
    new_unit: dict = field(default_factory=dict)
    contact: object | None = None
    channel: str = Channel.PHONE
    # Solved while the customer was still on the line (first-contact resolution).
    solved: bool = False
    resolution_type: str = ""
    resolution_summary: str = ""


def subject_from(description: str) -> str:
    """A subject from the first line of the description, for agents who skip the field."""
    first_line = (description or "").strip().splitlines()[0] if description.strip() else ""
    return Truncator(first_line).chars(SUBJECT_LENGTH)


@transaction.atomic
def take_call(intake: CallIntake, *, actor) -> ServiceRequest:
    customer = intake.customer
    if customer is None:
        if not intake.new_customer.get("name"):
            raise DomainError(
                _("Pick the caller from the matches, or enter a name to create a new customer."),
                code="customer_required",
                field="customer",
            )
        customer = create_customer(actor=actor, **intake.new_customer)
    unit = intake.unit
    if unit is None and intake.new_unit.get("serial_number"):
        unit = register_unit(actor=actor, customer=customer, **intake.new_unit)
    subject = intake.subject.strip() or subject_from(intake.description)
    if not subject:
        raise DomainError(
            _("Describe the problem."), code="description_required", field="description"
        )
    request = services.create_request(
        actor=actor,
        customer=customer,
        unit=unit,
        contact=intake.contact,
        channel=intake.channel,
        subject=subject,
        description=intake.description.strip(),
        kind=intake.kind,
        priority=intake.priority,
        needs_visit=intake.needs_visit,
        received_at=intake.received_at,
    )
    if intake.solved:
        request = services.transition(
            request,
            actor=actor,
            to=Status.RESOLVED,
            resolution_type=intake.resolution_type,
            resolution_summary=intake.resolution_summary,
        )
    return request
