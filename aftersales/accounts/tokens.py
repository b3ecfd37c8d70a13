"""Issuing and checking API tokens; tokens are never stored in plain text."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from aftersales.accounts.models import ApiToken, User

# Recording each use would write on every API call; once in a while is enough to show
# which tokens are alive.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str = "") -> str:
    """Create a token for `user` and return it; only its digest is kept."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:8], digest=digest(raw))
    return raw


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user").filter(digest=digest(raw)).first() if raw else None
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
