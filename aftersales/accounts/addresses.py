"""An email address or phone number a person types to sign up, log in or reset a password,
and the logins that hold it.

A phone number counts in its normalised form (`customers.phones.normalize_phone`), so
"138 0013 8000" and "+86 13800138000" are one address. Sign-ups that have not yet proved
their address (inactive customer logins not linked to a customer) hold nothing.
"""

from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.core.errors import DomainError
from aftersales.customers.phones import normalize_phone

EMAIL = "email"
SMS = "sms"
# Numbers that can receive a text message.
_TEXTABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class Address:
    channel: str  # "email" or "sms": how a code or an invitation reaches it
    value: str  # as stored on the user: the email as typed (trimmed), the phone in E.164

    @property
    def key(self) -> str:
        """The canonical spelling, for codes and limits."""
        return self.value.lower() if self.channel == EMAIL else self.value

    @property
    def is_email(self) -> bool:
        return self.channel == EMAIL

    def masked(self) -> str:
        """Enough to recognise it on screen, not enough to read it off someone's shoulder."""
        if self.is_email:
            local, _at, domain = self.value.partition("@")
            return f"{local[:2]}***@{domain}"
        return f"{self.value[:-8]}****{self.value[-4:]}" if len(self.value) > 8 else self.value

    def fields(self) -> dict:
        """The user fields that hold this address."""
        return {"email": self.value} if self.is_email else {"phone": self.value}


def parse(raw: str, field: str = "address") -> Address:
    """The address in `raw`: an email address, or a mobile number that can get an SMS."""
    raw = (raw or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise DomainError(_("Enter a valid email address."), field=field) from None
        return Address(EMAIL, raw)
    phone = normalize_phone(raw)
    if phone.startswith("+"):
        number = phonenumbers.parse(phone)
        if phonenumbers.number_type(number) in _TEXTABLE:
            return Address(SMS, phone)
        raise DomainError(
            _(
                "This number cannot receive text messages. "
                "Enter a mobile number or an email address."
            ),
            field=field,
        )
    raise DomainError(_("Enter an email address or a mobile phone number."), field=field)


def lookup(raw: str) -> Address | None:
    """Like `parse`, for logging in: any phone number counts, nothing is an error."""
    raw = (raw or "").strip()
    if "@" in raw:
        return Address(EMAIL, raw)
    phone = normalize_phone(raw)
    return Address(SMS, phone) if phone.startswith("+") else None


def holding(address: Address) -> Q:
    if address.is_email:
        return Q(email__iexact=address.value)
    return Q(phone_normalized=address.value)


def pending_signups() -> Q:
    """Sign-ups waiting for their code: not yet anyone's login."""
    return Q(role=Role.CUSTOMER, customer__isnull=True, is_active=False)


def logins_with(address: Address) -> QuerySet:
    """Every login (active or not, staff or customer) that holds `address`."""
    return User.objects.filter(holding(address)).exclude(pending_signups())
