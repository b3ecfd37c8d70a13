"""A customer signs up: name, an email address or mobile number, a password; a code sent
to that address proves it is theirs; then the login is made and linked to a customer.

Until the code is entered the sign-up is an inactive customer login without a customer
(`addresses.pending_signups`): it holds the hashed password and is what the outbox sends
the code to, but no address counts as taken by it. The address then finds the customer
(`customers.services.customer_for_sender`): a known customer's or contact's address links
the login to that customer, anything else makes a new customer flagged for review.
"""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts import addresses, codes
from aftersales.accounts.addresses import Address
from aftersales.accounts.codes import Sent
from aftersales.accounts.models import CodePurpose, User
from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, DomainError
from aftersales.customers.services import customer_for_sender

PURPOSE = CodePurpose.SIGNUP


class AlreadyRegistered(Conflict):
    code = "already_registered"


def already_registered() -> AlreadyRegistered:
    return AlreadyRegistered(
        _("You already have an account with this address. Log in, or reset your password."),
        field="address",
    )


def new_username() -> str:
    """Customers log in by address; the username only has to be unique."""
    return f"c-{secrets.token_hex(5)}"


def _check_password(password: str, name: str, address: Address) -> None:
    try:
        validate_password(password, user=User(first_name=name, **address.fields()))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def start(*, name: str, address: str, password: str, ip: str = "", language: str = "") -> Sent:
    """Check the details and send the code; raises DomainError / ValidationError."""
    name = (name or "").strip()[:150]
    if not name:
        raise DomainError(_("Please tell us your name."), field="name")
    found = addresses.parse(address)
    if addresses.logins_with(found).exists():
        raise already_registered()
    _check_password(password, name, found)
    codes.check_send_allowed(PURPOSE, found, ip)
    with transaction.atomic():
        pending = _pending_for(found) or User(
            username=new_username(), role=Role.CUSTOMER, is_active=False
        )
        pending.first_name, pending.last_name = name, ""
        for field, value in found.fields().items():
            setattr(pending, field, value)
        pending.language = language or pending.language
        pending.set_password(password)
        pending.save()
        codes.send(PURPOSE, found, pending)
    return Sent(codes.ticket(PURPOSE, found), found)


def _pending_for(address: Address) -> User | None:
    return (
        User.objects.select_for_update()
        .filter(addresses.pending_signups(), addresses.holding(address))
        .order_by("id")
        .first()
    )


def resend(ticket: str, *, ip: str = "") -> Sent:
    """Another code to the address of a sign-up in progress."""
    found = codes.read_ticket(ticket, PURPOSE)
    if addresses.logins_with(found).exists():
        raise already_registered()
    codes.check_send_allowed(PURPOSE, found, ip)
    with transaction.atomic():
        pending = _pending_for(found)
        if pending is None:
            raise DomainError(_("This page has expired. Please start again."), code="bad_ticket")
        codes.send(PURPOSE, found, pending)
    return Sent(ticket, found)


def verify(ticket: str, code: str) -> User:
    """The right code makes the login: active, linked to its customer (and contact)."""
    found = codes.read_ticket(ticket, PURPOSE)
    row = codes.consume(PURPOSE, found, code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=row.user_id)
        if user.customer_id is not None or user.is_active:
            raise already_registered()
        if addresses.logins_with(found).exclude(pk=user.pk).exists():
            # Invited, or signed up in another tab, while this code was on its way.
            raise already_registered()
        customer, contact, _created = customer_for_sender(
            **{("email" if found.is_email else "phone"): found.value},
            name=user.get_full_name(),
            source="portal",
            language=user.language,
        )
        user.customer, user.contact, user.is_active = customer, contact, True
        user.save(update_fields=["customer", "contact", "is_active"])
    return user
