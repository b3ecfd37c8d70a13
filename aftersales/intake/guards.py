"""What keeps robots and floods off the public form without a third-party captcha.

- A signed form token made when the form is shown: it carries the time and a random
  nonce. A post sooner than a person can type, or from a form left open too long, is
  refused; the nonce makes a form sent twice (double tap, reload) one request.
- A honeypot field people do not see and robots fill in.
- A cap on links in the description (spam is mostly links).
- Rate limits per client IP and per contact address, counted in Django's cache (shared
  by every web process when the cache is Redis); addresses are hashed in the cache keys.
"""

import hashlib
import re
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError

TOKEN_SALT = "aftersales.intake.form"
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
HOUR = 3600
LOOKUPS_PER_IP_PER_HOUR = 300


class Throttled(DomainError):
    """Too many requests from this client or for this address; nothing was written."""

    status = 429
    code = "throttled"


class Refused(DomainError):
    """The post looks like a robot's; nothing was written."""

    code = "refused"


TOO_MANY = _(
    "We have received many requests from you in a short time. Please try again in an "
    "hour, or call us."
)


def form_token(now: float | None = None) -> str:
    """The token put in the form when it is shown."""
    return signing.dumps(
        {"t": int(now if now is not None else time.time()), "n": secrets.token_hex(16)},
        salt=TOKEN_SALT,
    )


def check_form_token(token: str, now: float | None = None) -> str:
    """The token's nonce if the form was filled in at a human pace, else Refused."""
    now = now if now is not None else time.time()
    try:
        value = signing.loads(token or "", salt=TOKEN_SALT)
        shown_at, nonce = int(value["t"]), str(value["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused(_("This form is not valid any more. Please fill it in again.")) from None
    age = now - shown_at
    if age > settings.INTAKE_FORM_MAX_AGE_SECONDS:
        raise Refused(_("This form was open for too long. Please send it again."), code="stale")
    if age < settings.INTAKE_FORM_MIN_SECONDS:
        raise Refused(
            _("That was very fast. Please check what you wrote and send it again."),
            code="too_fast",
        )
    return nonce


def check_content(*, honeypot: str = "", description: str = "") -> None:
    if honeypot:
        raise Refused(_("We could not accept this form. Please call us instead."))
    if len(LINK.findall(description or "")) > settings.INTAKE_MAX_LINKS:
        raise Refused(
            _("Please describe the problem in words; the description has too many links."),
            field="description",
        )


def _key(kind: str, value: str) -> str:
    return f"intake:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str, limit: int, window: int = HOUR) -> bool:
    """Count one more use in `window` seconds; False once past `limit`."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True


def check_rate(*, ip: str = "", addresses=()) -> None:
    """Count a submission from `ip` for `addresses` (email, phone), or raise Throttled."""
    if ip and not _count(_key("ip", ip), settings.INTAKE_FORM_PER_IP_PER_HOUR):
        raise Throttled(TOO_MANY)
    for address in {a.strip().lower() for a in addresses if a and a.strip()}:
        if not _count(_key("to", address), settings.INTAKE_FORM_PER_CONTACT_PER_HOUR):
            raise Throttled(TOO_MANY)


def allow_lookup(ip: str) -> bool:
    """Count a serial number look-up from `ip`: False once past the hour's limit (walking
    through serial numbers to learn which exist)."""
    return _count(_key("lookup", ip), LOOKUPS_PER_IP_PER_HOUR)


def submission_key(scope: str, value: str) -> str:
    """The digest under which a form token's nonce or an Idempotency-Key is remembered."""
    return hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()
