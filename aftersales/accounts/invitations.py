"""Staff invite a customer, or one of a company's contacts, to the portal.

The invitation is a customer login (linked to the customer, and to the contact when it is
a contact's address) with no usable password, and a link sent by email or SMS to set one.
The link is signed, expires after seven days and works once: setting the password, logging
in, deactivating the login or inviting again each make earlier links stop working.
Inviting the same address again re-sends to the same login. Every contact of a company
gets a login of their own on the company customer, so each sees the company's units and
requests.
"""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from aftersales.accounts import addresses
from aftersales.accounts.addresses import EMAIL, SMS, Address
from aftersales.accounts.models import User
from aftersales.accounts.roles import BACK_OFFICE, MANAGERS, Role, role_of
from aftersales.accounts.signup import new_username
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.customers.models import Contact, Customer, CustomerEvent
from aftersales.notifications.services import notify, site_link

VALID_DAYS = 7


class InviteTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token with its own salt, a seven-day life, and the time of
    the invitation in the hash (a new invitation voids the old link)."""

    key_salt = "aftersales.accounts.invitations.InviteTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        invited = "" if user.invited_at is None else user.invited_at.timestamp()
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{invited}"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            stamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, stamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - stamp <= VALID_DAYS * 24 * 3600


tokens = InviteTokenGenerator()


def can_invite(user) -> bool:
    return role_of(user) in BACK_OFFICE


def can_deactivate(user) -> bool:
    return role_of(user) in MANAGERS


@dataclass(frozen=True)
class Target:
    """An address on the customer's page that can be invited."""

    key: str  # "customer-email", "contact-12-sms"
    name: str
    address: Address
    contact: Contact | None

    @property
    def label(self) -> str:
        return f"{self.name} · {self.address.value}"


def _targets_of(name: str, email: str, phone: str, prefix: str, contact) -> list[Target]:
    found = []
    if email.strip():
        found.append(Target(f"{prefix}-{EMAIL}", name, Address(EMAIL, email.strip()), contact))
    phone_address = addresses.lookup(phone) if phone.strip() else None
    if phone_address is not None:
        found.append(Target(f"{prefix}-{SMS}", name, phone_address, contact))
    return found


def targets(customer: Customer, contacts=None) -> list[Target]:
    """The customer's own email and phone, then each contact's."""
    found = _targets_of(customer.name, customer.email, customer.phone, "customer", None)
    for contact in customer.contacts.all() if contacts is None else contacts:
        found += _targets_of(
            contact.name, contact.email, contact.phone, f"contact-{contact.pk}", contact
        )
    return found


def target(customer: Customer, key: str) -> Target:
    for candidate in targets(customer):
        if candidate.key == key:
            return candidate
    raise DomainError(_("Choose one of the customer's addresses."), field="target")


def check_invite(actor) -> None:
    if not can_invite(actor):
        raise NotAllowed(_("Only the back office may invite customers to the portal."))


def link_for(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return site_link("invitation", uid, tokens.make_token(user))


@transaction.atomic
def invite(actor, customer: Customer, key: str) -> tuple[User, bool]:
    """Invite the address `key` of `customer` (see `targets`): (login, created)."""
    check_invite(actor)
    chosen = target(customer, key)
    holders = list(addresses.logins_with(chosen.address).select_for_update().order_by("id")[:2])
    login = next(
        (u for u in holders if u.role == Role.CUSTOMER and u.customer_id == customer.pk), None
    )
    if login is None and holders:
        raise Conflict(
            _("This address already belongs to another login. Ask the customer to log in with it."),
            field="target",
        )
    if login is not None and not login.is_active:
        raise Conflict(
            _("This login was deactivated. A manager can reactivate it first."), field="target"
        )
    now = timezone.now()
    created = login is None
    if created:
        login = User(
            username=new_username(),
            role=Role.CUSTOMER,
            customer=customer,
            contact=chosen.contact,
            first_name=chosen.name[:150],
            language=customer.language or "",
        )
        login.set_unusable_password()
        for field, value in chosen.address.fields().items():
            setattr(login, field, value)
    login.invited_at = now
    login.save()
    notify(
        "portal_invite",
        user=login,
        channel=chosen.address.channel,
        context={
            "invite_url": link_for(login),
            "invited_by": str(actor),
            "valid_days": str(VALID_DAYS),
        },
    )
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.NOTE,
        actor=actor,
        body=str(_("Invited %(name)s to the portal (%(address)s).") % {
            "name": chosen.name, "address": chosen.address.value}),
        data={"portal_login": login.pk, "channel": chosen.address.channel},
    )  # fmt: skip
    return login, created


def user_for_link(uidb64: str, token: str) -> User | None:
    """The invited login a link is for, if the link is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, role=Role.CUSTOMER, customer__isnull=False).first()
    if user is None or not user.is_active or not tokens.check_token(user, token):
        return None
    return user


def accept(uidb64: str, token: str, password: str) -> User:
    """Set the password from an invitation link (which then stops working)."""
    with transaction.atomic():
        user = user_for_link(uidb64, token)
        if user is None:
            raise DomainError(
                _("This invitation link has expired or was already used."), code="bad_link"
            )
        user = User.objects.select_for_update().get(pk=user.pk)
        if not tokens.check_token(user, token):  # used at the same moment in another tab
            raise DomainError(
                _("This invitation link has expired or was already used."), code="bad_link"
            )
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def check_deactivate(actor, login: User) -> None:
    if not can_deactivate(actor):
        raise NotAllowed(_("Only a service manager may deactivate a customer's login."))
    if login.role != Role.CUSTOMER or login.customer_id is None:
        raise DomainError(_("Only customer logins are managed here."))


@transaction.atomic
def set_active(actor, login: User, active: bool) -> User:
    """Deactivate (or reactivate) a customer login; its sessions and tokens stop working."""
    check_deactivate(actor, login)
    login = User.objects.select_for_update().get(pk=login.pk)
    if login.is_active != active:
        login.is_active = active
        login.save(update_fields=["is_active"])
        CustomerEvent.objects.create(
            customer_id=login.customer_id,
            kind=CustomerEvent.Kind.NOTE,
            actor=actor,
            body=str(
                (_("Portal login of %(name)s reactivated.") if active
                 else _("Portal login of %(name)s deactivated.")) % {"name": str(login)}
            ),
            data={"portal_login": login.pk, "active": active},
        )  # fmt: skip
    return login
