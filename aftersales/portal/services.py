"""What a customer does in the portal: register a unit they bought, ask for service, reply,
answer a quote, cancel a request still new, stop at an article that solved it.

Each use case checks that the user is a customer login and may touch the object, then
calls the service, assets and kb use cases that own the rules; nothing here bypasses
them. Refusals are DomainError / NotAllowed / Conflict with a message the customer reads.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.assets.models import Unit, normalize_serial
from aftersales.assets.services import find_unit, register_unit
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.core.idempotency import run_once
from aftersales.core.uploads import CheckedUpload, check_upload
from aftersales.kb import services as kb
from aftersales.portal.models import UnitRegistration
from aftersales.service import access, quotes
from aftersales.service.choices import Channel, Kind, Status
from aftersales.service.intake import subject_from
from aftersales.service.models import ServiceRequest
from aftersales.service.services import (
    attach_received,
    create_request,
    receive_message,
    transition,
)

# What a customer may ask for in the portal; complaints, returns… go through staff.
KINDS = (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE, Kind.CONSULTATION)
INVOICE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf"}
)
PHOTO_LIMIT = 10

# The new-request form's token: signed (so it cannot be made up), tied to the user, and
# used as the idempotency key, so a double submit or a retried post opens one request.
FORM_SALT = "aftersales.portal.new-request"
FORM_MAX_AGE = datetime.timedelta(days=2)
IDEMPOTENCY_SCOPE = "portal:new-request"


# --- Who may ----------------------------------------------------------------------------


def is_customer(user) -> bool:
    """A customer's own login, linked to its customer (the only users of the portal)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.role == Role.CUSTOMER
        and user.customer_id
    )


def check_customer(user) -> None:
    if not is_customer(user):
        raise NotAllowed(_("Only customers with a login use the portal."))


# --- Register a unit they bought ----------------------------------------------------------


class Outcome(models.TextChoices):
    CREATED = "created", _("Registered")
    ALREADY_YOURS = "already_yours", _("Already registered to you")


@dataclass(frozen=True)
class Registered:
    outcome: str
    unit: Unit
    registration: UnitRegistration | None = None

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.CREATED


def check_invoice(upload) -> CheckedUpload:
    if upload is None:
        raise DomainError(
            _("Add a photo of the invoice (or its PDF): it proves the purchase date."),
            field="invoice",
        )
    try:
        checked = check_upload(upload)
    except DomainError as error:
        raise DomainError(error.message, code=error.code, field="invoice") from None
    if checked.content_type not in INVOICE_TYPES:
        raise DomainError(
            _("The invoice must be a photo (JPEG, PNG…) or a PDF."),
            code="invoice_type",
            field="invoice",
        )
    return checked


def _check_purchase_date(day: datetime.date | None) -> None:
    if day is None:
        raise DomainError(_("Enter the date on the invoice."), field="purchased_on")
    if day > timezone.localdate():
        raise DomainError(_("The purchase date cannot be in the future."), field="purchased_on")


def _known(user, unit: Unit) -> Registered:
    if unit.customer_id == user.customer_id:
        # Already theirs: nothing is changed, whatever date or invoice they sent now.
        return Registered(Outcome.ALREADY_YOURS, unit)
    # Someone else's unit: refuse without saying whose it is.
    raise Conflict(
        _(
            "This serial number is already registered. If you bought this unit, please "
            "contact us with your invoice and we will sort it out."
        ),
        code="registered_elsewhere",
        field="serial_number",
    )


@transaction.atomic
def register_purchase(
    user, *, serial_number: str, purchased_on: datetime.date | None, invoice, product=None
) -> Registered:
    """A customer registers a unit they bought: a serial already theirs changes nothing;
    an unknown one becomes their unit with the purchase date and the invoice kept; one
    owned by another customer is refused ("contact us")."""
    check_customer(user)
    serial = normalize_serial(serial_number)
    if not serial:
        raise DomainError(
            _("Enter the serial number printed on the unit or its box."), field="serial_number"
        )
    existing = find_unit(serial)
    if existing is not None:
        return _known(user, existing)
    if product is None:
        raise DomainError(_("Choose which product it is."), field="product")
    if not product.active:
        raise DomainError(_("Choose a product from the list."), field="product")
    _check_purchase_date(purchased_on)
    checked = check_invoice(invoice)
    try:
        with transaction.atomic():
            unit = register_unit(
                actor=user,
                serial_number=serial,
                product=product,
                customer=user.customer,
                purchased_on=purchased_on,
            )
    except DomainError as error:
        if error.code != "duplicate_serial":
            raise
        # Registered by someone else a moment ago: answer as if it had been there.
        return _known(user, find_unit(serial))
    except ValidationError as error:
        raise DomainError("; ".join(error.messages), field="serial_number") from None
    registration = UnitRegistration(
        unit=unit,
        customer_id=user.customer_id,
        user=user,
        purchased_on=purchased_on,
        token=secrets.token_hex(16),
        invoice_name=checked.name,
        invoice_type=checked.content_type,
        invoice_size=checked.size,
        created_at=timezone.now(),
    )
    registration.invoice.save(registration.token, invoice, save=False)
    registration.save()
    return Registered(Outcome.CREATED, unit, registration)


def registrations_of(user, unit: Unit):
    """The registrations (invoices) of a unit this user may see: staff of the back office
    and the field who can see the unit, and the customer who owns it."""
    if not access.visible_units(user).filter(pk=unit.pk).exists():
        return UnitRegistration.objects.none()
    return UnitRegistration.objects.filter(unit=unit).select_related("user")


# --- Ask for service ----------------------------------------------------------------------


def form_token(user) -> str:
    return signing.dumps({"u": user.pk, "n": secrets.token_hex(16)}, salt=FORM_SALT)


def _form_nonce(user, token: str) -> str:
    try:
        data = signing.loads(token or "", salt=FORM_SALT, max_age=FORM_MAX_AGE)
        if data["u"] != user.pk:
            raise KeyError("u")
        return str(data["n"])
    except (signing.BadSignature, KeyError, TypeError):
        raise DomainError(
            _("This form has expired. Please fill it in again."), code="stale_form"
        ) from None


def check_photos(photos, field: str = "photos") -> list:
    photos = [photo for photo in photos or () if photo]
    if len(photos) > PHOTO_LIMIT:
        raise DomainError(
            _("Send at most %(limit)s photos at a time.") % {"limit": PHOTO_LIMIT}, field=field
        )
    for photo in photos:
        try:
            check_upload(photo)
        except DomainError as error:
            raise DomainError(error.message, code=error.code, field=field) from None
    return photos


def open_request(
    user,
    *,
    token: str,
    description: str,
    kind: str = Kind.REPAIR,
    unit: Unit | None = None,
    photos=(),
) -> tuple[ServiceRequest, bool]:
    """Open a request from the portal form, once per form: (request, created).

    The same form sent again (a double tap, a retried post) returns the first request.
    """
    check_customer(user)
    nonce = _form_nonce(user, token)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Tell us what happened."), field="description")
    if kind not in KINDS:
        raise DomainError(_("Choose what you need."), field="kind")
    if unit is not None and not access.visible_units(user).filter(pk=unit.pk).exists():
        raise NotAllowed(_("Choose one of your own units."), field="unit")
    photos = check_photos(photos)

    def create() -> ServiceRequest:
        request = create_request(
            actor=user,
            customer=user.customer,
            subject=subject_from(description),
            channel=Channel.PORTAL,
            description=description,
            kind=kind,
            unit=unit,
        )
        attach_received(request, photos, actor=user)
        return request

    return run_once(
        user=user,
        scope=IDEMPOTENCY_SCOPE,
        key=nonce,
        # The token alone: a form sent again with other text still opens no second request.
        payload={"form": nonce},
        create=create,
        load=lambda pk: ServiceRequest.objects.get(pk=pk),
    )


def article_solved_it(user, article, session_key: str = ""):
    """The customer stopped at an article instead of sending the form: counted once."""
    check_customer(user)
    return kb.deflect(article, "portal", session_key, customer=user.customer)


# --- Their request ------------------------------------------------------------------------


def reply(user, request: ServiceRequest, *, body: str, photos=()):
    """The customer writes on their request, with photos: a message on its timeline (the
    same as their message by any other channel; `add_comment` by a customer ends there too)."""
    check_customer(user)
    body = (body or "").strip()
    photos = check_photos(photos)
    if not body and not photos:
        raise DomainError(_("Write something or add a photo before sending."), field="body")
    return receive_message(request, body=body, channel=Channel.PORTAL, actor=user, files=photos)


def can_cancel(user, request: ServiceRequest) -> bool:
    return is_customer(user) and access.can_transition(user, request, Status.CANCELLED)


def cancel(user, request: ServiceRequest, *, reason: str) -> ServiceRequest:
    """Withdraw a request we have not started on yet, saying why."""
    check_customer(user)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tell us why you cancel it."), field="reason")
    return transition(request, actor=user, to=Status.CANCELLED, note=reason)


def answer_quote(user, quote, *, accept: bool, reason: str = "", version: int | None = None):
    """The customer accepts or declines a quote sent to them (declining with their reason)."""
    check_customer(user)
    if accept:
        return quotes.accept_quote(quote, actor=user, expected_version=version)
    return quotes.decline_quote(quote, actor=user, reason=reason, expected_version=version)
