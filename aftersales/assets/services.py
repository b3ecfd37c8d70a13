"""Use cases for the installed base: register units, edit them, change owner or status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.assets.models import Unit, UnitEvent, UnitStatus, normalize_serial
from aftersales.core.changes import apply_changes
from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer

EDITABLE_FIELDS = (
    "warranty_starts_on",
    "product",
    "purchased_on",
    "sales_channel",
    "invoice_number",
    "delivered_on",
    "installed_on",
    "notes",
)


def check_dates(unit: Unit) -> None:
    """Delivery and installation cannot come before the purchase, nor the purchase after today."""
    errors = {}
    if unit.purchased_on and unit.purchased_on > timezone.localdate():
        # The warranty runs from the purchase; a future date (a typo) would extend it.
        errors["purchased_on"] = _("The purchase date cannot be in the future.")
    if unit.purchased_on and unit.delivered_on and unit.delivered_on < unit.purchased_on:
        errors["delivered_on"] = _("The delivery date cannot be before the purchase date.")
    first = unit.delivered_on or unit.purchased_on
    if first and unit.installed_on and unit.installed_on < first:
        errors["installed_on"] = _("The installation date cannot be before delivery or purchase.")
    if errors:
        raise ValidationError(errors)


def find_unit(serial_number: str) -> Unit | None:
    serial = normalize_serial(serial_number)
    if not serial:
        return None
    return Unit.objects.select_related("product", "customer").filter(serial_number=serial).first()


def _duplicate_serial(serial: str) -> DomainError:
    return DomainError(
        _("A unit with serial number %(serial)s is already registered.") % {"serial": serial},
        code="duplicate_serial",
        field="serial_number",
    )


@transaction.atomic
def register_unit(*, actor=None, **fields) -> Unit:
    unit = Unit(**fields)
    unit.serial_number = normalize_serial(unit.serial_number)
    if Unit.objects.filter(serial_number=unit.serial_number).exists():
        raise _duplicate_serial(unit.serial_number)
    unit.full_clean(validate_unique=False)
    check_dates(unit)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        # Someone registered the same serial between the check above and this insert.
        raise _duplicate_serial(unit.serial_number) from None
    UnitEvent.objects.create(
        unit=unit, kind=UnitEvent.Kind.REGISTERED, actor=actor, to_customer=unit.customer
    )
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor=None, **changes) -> Unit:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    diff = apply_changes(unit, changes)
    if diff:
        unit.full_clean()
        check_dates(unit)
        unit.save()
        UnitEvent.objects.create(
            unit=unit, kind=UnitEvent.Kind.UPDATED, actor=actor, data={"changes": diff}
        )
    return unit


@transaction.atomic
def transfer_ownership(
    unit: Unit,
    new_owner: Customer,
    *,
    actor=None,
    effective_on: datetime.date | None = None,
    reason: str = "",
) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.customer_id == new_owner.pk:
        raise DomainError(_("%(customer)s already owns this unit.") % {"customer": new_owner})
    previous = unit.customer
    unit.customer = new_owner
    unit.save(update_fields=["customer", "updated_at"])
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEvent.Kind.OWNERSHIP,
        actor=actor,
        from_customer=previous,
        to_customer=new_owner,
        effective_on=effective_on,
        body=reason,
    )
    return unit


@transaction.atomic
def set_unit_status(unit: Unit, status: str, *, actor=None, reason: str = "") -> Unit:
    if status not in UnitStatus.values:
        raise DomainError(_("Unknown unit status: %(status)s") % {"status": status})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.status != status:
        old = unit.status
        unit.status = status
        unit.save(update_fields=["status", "updated_at"])
        UnitEvent.objects.create(
            unit=unit,
            kind=UnitEvent.Kind.STATUS,
            actor=actor,
            body=reason,
            data={"changes": {"status": [old, status]}},
        )
    return unit
