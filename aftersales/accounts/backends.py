"""Logging in with a username, an email address or a phone number, and the password.

ModelBackend's rules stay: inactive users are refused and a miss costs the same password
hashing as a hit. An email address or phone number that two active logins share logs in
neither (which one would it be?), and the answer is the same "wrong username or password"
as for an unknown address, so nobody learns which addresses are taken.
"""

from django.contrib.auth.backends import ModelBackend

from aftersales.accounts import addresses
from aftersales.accounts.models import User


def user_for_login(identifier: str) -> User | None:
    """The one active user that `identifier` names: by username first, else by address."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    by_name = User.objects.filter(username=identifier).first()
    if by_name is not None:
        return by_name
    address = addresses.lookup(identifier)
    if address is None:
        return None
    found = list(addresses.logins_with(address).filter(is_active=True)[:2])
    return found[0] if len(found) == 1 else None


class AddressBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # As ModelBackend: hash anyway so a miss takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
