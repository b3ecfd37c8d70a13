"""Use cases for a user's own account: preferences and API tokens."""

from django.db import transaction

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.tokens import issue_token

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "language", "time_zone")


@transaction.atomic
def update_profile(user: User, **changes) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=list(changes))
    return user


def create_token(user: User, name: str = "") -> str:
    """A new token for `user`; the caller shows it once, it is never stored readable."""
    return issue_token(user, name=name)


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if there was no such token of theirs."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
