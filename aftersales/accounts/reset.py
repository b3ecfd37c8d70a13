"""A customer who forgot their password (or never set one from an invitation) gets a
code by email or SMS and chooses a new password with it.

Whatever address is typed, the answer is the same "if an account uses this address, we
have sent a code": known or not, nobody learns from it. The limits on sending count the
same either way.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from aftersales.accounts import addresses, codes
from aftersales.accounts.addresses import Address
from aftersales.accounts.codes import Sent
from aftersales.accounts.models import CodePurpose, User
from aftersales.accounts.roles import Role

PURPOSE = CodePurpose.RESET


def login_for(address: Address) -> User | None:
    """The one active customer login holding `address` (none when two share it)."""
    found = list(addresses.logins_with(address).filter(role=Role.CUSTOMER, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


def start(address: str, *, ip: str = "") -> Sent:
    found = addresses.parse(address)
    codes.check_send_allowed(PURPOSE, found, ip)
    user = login_for(found)
    if user is not None:
        with transaction.atomic():
            codes.send(PURPOSE, found, user)
    return Sent(codes.ticket(PURPOSE, found), found)


def resend(ticket: str, *, ip: str = "") -> Sent:
    found = codes.read_ticket(ticket, PURPOSE)
    codes.check_send_allowed(PURPOSE, found, ip)
    user = login_for(found)
    if user is not None:
        with transaction.atomic():
            codes.send(PURPOSE, found, user)
    return Sent(ticket, found)


def finish(ticket: str, code: str, password: str) -> User:
    """The right code sets the new password; the login is returned for logging in."""
    found = codes.read_ticket(ticket, PURPOSE)
    # Checked before the code is used up, so a weak password costs no try; without the
    # user, so the answer is the same whether the address has a login or not.
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    row = codes.consume(PURPOSE, found, code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=row.user_id)
        if not user.is_active:
            raise codes.WrongCode(codes.EXPIRED, field="code")
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
