"""Six-digit codes that prove an email address or phone number belongs to the person
typing it (sign-up, password reset), and the limits on sending and guessing them.

A code is valid for ten minutes and for five guesses, the right one included; a new code
replaces the last. Sending is limited per address and per client IP through Django's
cache: once a minute, a few times an hour. Only a keyed digest of the code is stored.
The ticket a client carries from "send" to "check" is signed and names the purpose and
address, never the code.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.accounts.addresses import Address
from aftersales.accounts.models import User, VerificationCode
from aftersales.core.errors import DomainError
from aftersales.notifications.services import notify

VALID = datetime.timedelta(minutes=10)
MAX_TRIES = 5
RESEND_SECONDS = 60
PER_ADDRESS_PER_HOUR = 5
PER_IP_PER_HOUR = 20
TICKET_SALT = "aftersales.accounts.codes.ticket"
TICKET_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Sent:
    """What the client carries to the page that asks for the code."""

    ticket: str
    address: Address


class Throttled(DomainError):
    """Too many codes asked for; try again later."""

    status = 429
    code = "throttled"


class WrongCode(DomainError):
    code = "wrong_code"


EXPIRED = _("This code has expired or was already used. Ask for a new code.")


def _digest(purpose: str, address_key: str, code: str) -> str:
    return salted_hmac("aftersales.accounts.codes", f"{purpose}:{address_key}:{code}").hexdigest()


def _cache_key(kind: str, value: str) -> str:
    # Addresses and IPs are not kept readable in the cache.
    return f"accounts:codes:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str, window: int) -> None:
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, window)


def check_send_allowed(purpose: str, address: Address, ip: str = "") -> None:
    """Count a send to `address` from `ip`, or raise Throttled (nothing sent, nothing
    counted: a refused request does not use up the next one's turn)."""
    hourly = [(_cache_key(f"hour:{purpose}", address.key), PER_ADDRESS_PER_HOUR)]
    if ip:
        hourly.append((_cache_key("ip", ip), PER_IP_PER_HOUR))
    if any(cache.get(key, 0) >= limit for key, limit in hourly):
        raise Throttled(_("Too many codes were asked for. Please try again in an hour."))
    # The one-minute gate is the atomic step: of two requests at once, one gets through.
    if not cache.add(_cache_key(f"wait:{purpose}", address.key), 1, RESEND_SECONDS):
        raise Throttled(
            ngettext(
                "We have just sent a code. You can ask for another in %(n)s second.",
                "We have just sent a code. You can ask for another in %(n)s seconds.",
                RESEND_SECONDS,
            )
            % {"n": RESEND_SECONDS}
        )
    for key, _limit in hourly:
        _count(key, 3600)


def send(purpose: str, address: Address, user: User, *, now=None) -> VerificationCode:
    """A new code for `address` (replacing any earlier one), sent to it through the outbox.

    Call inside the transaction that creates or finds `user`; the caller has checked the
    limits (`check_send_allowed`)."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    row, _created = VerificationCode.objects.update_or_create(
        purpose=purpose,
        address=address.key,
        defaults={
            "channel": address.channel,
            "user": user,
            "digest": _digest(purpose, address.key, code),
            "created_at": now,
            "expires_at": now + VALID,
            "tries": 0,
            "used_at": None,
        },
    )
    notify(
        "portal_code",
        user=user,
        channel=address.channel,
        context={"code": code, "valid_minutes": str(int(VALID.total_seconds() // 60))},
    )
    return row


def consume(purpose: str, address: Address, code: str, *, now=None) -> VerificationCode:
    """The code row if `code` is right, marked used; else WrongCode with what to do.

    Each guess takes a try before it is compared, so parallel guesses cannot get more than
    MAX_TRIES between them; of two right answers at once only one wins. Call outside any
    transaction: a wrong guess must stay counted when the caller's work fails.
    """
    now = now or timezone.now()
    code = "".join((code or "").split())
    row = VerificationCode.objects.filter(purpose=purpose, address=address.key).first()
    if row is None:
        # An address nobody has: the same answer as a wrong code, never "no such account".
        raise WrongCode(_("The code is not right. Check the message and try again."), field="code")
    if row.used_at is not None or row.expires_at <= now:
        raise WrongCode(EXPIRED, field="code")
    live = VerificationCode.objects.filter(
        pk=row.pk, used_at__isnull=True, expires_at__gt=now, tries__lt=MAX_TRIES
    )
    if not live.update(tries=F("tries") + 1):
        raise WrongCode(_("Too many wrong codes. Ask for a new code."), field="code")
    if not constant_time_compare(_digest(purpose, address.key, code), row.digest):
        left = MAX_TRIES - row.tries - 1
        if left <= 0:
            raise WrongCode(_("Too many wrong codes. Ask for a new code."), field="code")
        raise WrongCode(
            ngettext(
                "The code is not right. You can try %(n)s more time.",
                "The code is not right. You can try %(n)s more times.",
                left,
            )
            % {"n": left},
            field="code",
        )
    if not VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise WrongCode(EXPIRED, field="code")
    row.used_at = now
    return row


def ticket(purpose: str, address: Address) -> str:
    return signing.dumps({"p": purpose, "c": address.channel, "v": address.value}, salt=TICKET_SALT)


def read_ticket(value: str, purpose: str) -> Address:
    """The address a ticket was given for; DomainError when it is forged, old or for
    another purpose."""
    try:
        data = signing.loads(value or "", salt=TICKET_SALT, max_age=TICKET_MAX_AGE)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise DomainError(_("This page has expired. Please start again."), code="bad_ticket")
    return Address(data["c"], data["v"])
