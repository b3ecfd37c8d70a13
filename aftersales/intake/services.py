"""The public "get help" form (web page and JSON API): who may read what this app keeps,
and turning a submission into a request, once.

A submission names its sender by phone and/or email; a sender we do not know becomes a
customer flagged for review (`customer_for_sender`). A serial number links the unit only
when it is the sender's own: someone else's serial stays in the description for staff to
check and is never linked or disclosed.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import BACK_OFFICE, MANAGERS, Role, role_of
from aftersales.assets.models import Unit, normalize_serial
from aftersales.core.errors import DomainError
from aftersales.customers.models import Source
from aftersales.customers.phones import normalize_phone
from aftersales.customers.services import customer_for_sender
from aftersales.intake import guards
from aftersales.intake.models import Submission
from aftersales.service.choices import Channel
from aftersales.service.intake import subject_from
from aftersales.service.services import attach_received, create_request

# --- Who may read what --------------------------------------------------------------------


def can_read_inbound(user) -> bool:
    """The log of webhook messages: the back office."""
    return role_of(user) in BACK_OFFICE


def can_read_deflections(user) -> bool:
    """The deflection report: managers, and agents may read it."""
    return role_of(user) in MANAGERS | {Role.AGENT}


# --- The help form ------------------------------------------------------------------------


@dataclass
class HelpRequest:
    description: str
    name: str = ""
    phone: str = ""
    email: str = ""
    serial_number: str = ""
    photos: list = field(default_factory=list)
    language: str = ""


def check_photo_count(count: int) -> None:
    """The help form takes a few photos, not an album (setting INTAKE_MAX_PHOTOS); the
    form and the API ask this as the files arrive, before anything else is checked."""
    if count > settings.INTAKE_MAX_PHOTOS:
        raise DomainError(
            _("Send at most %(n)s photos.") % {"n": settings.INTAKE_MAX_PHOTOS}, field="photos"
        )


def check_help(data: HelpRequest) -> None:
    if not (data.phone or "").strip() and not (data.email or "").strip():
        raise DomainError(
            _("Give us a phone number or an email address so we can reach you."), field="phone"
        )
    if data.phone and not normalize_phone(data.phone).startswith("+"):
        raise DomainError(_("This does not look like a phone number."), field="phone")
    if len((data.description or "").strip()) < 5:
        raise DomainError(_("Tell us in a few words what is wrong."), field="description")
    check_photo_count(len(data.photos))


def submit_help(data: HelpRequest, *, key: str, ip: str = ""):
    """Open a request from the help form: (request, created). `key` identifies the form
    (its token's nonce, or the API client's Idempotency-Key): sent again, the same request
    comes back and nothing else is written, also when both arrive at once."""
    check_help(data)
    earlier = Submission.objects.select_related("request").filter(key=key).first()
    if earlier is not None:
        return earlier.request, False
    guards.check_rate(ip=ip, addresses=(data.email, data.phone))
    try:
        with transaction.atomic():
            request = _open(data)
            # Last, so a twin sent at the same time waits on the unique key, then fails
            # and rolls back its whole request (and the message it queued).
            Submission.objects.create(key=key, request=request)
    except IntegrityError:
        earlier = Submission.objects.select_related("request").filter(key=key).first()
        if earlier is None:
            raise
        return earlier.request, False
    return request, True


def _open(data: HelpRequest):
    customer, contact, _created = customer_for_sender(
        email=data.email, phone=data.phone, name=data.name, source=Source.WEB,
        language=_language(data.language),
    )  # fmt: skip
    description = data.description.strip()
    serial = normalize_serial(data.serial_number)
    unit = Unit.objects.filter(serial_number=serial, customer=customer).first() if serial else None
    if serial and unit is None:
        # Not theirs, or unknown: staff check it; the unit's owner is never told to them.
        with translation.override(settings.LANGUAGE_CODE):
            note = translation.gettext("Serial number given on the form: %(serial)s")
        description = f"{description}\n\n{note % {'serial': serial}}"
    request = create_request(
        actor=None, customer=customer, contact=contact, unit=unit, channel=Channel.WEB,
        subject=subject_from(description), description=description,
    )  # fmt: skip
    if data.photos:
        attach_received(request, data.photos)
    return request


def _language(code: str) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    return code if code in codes else ""
