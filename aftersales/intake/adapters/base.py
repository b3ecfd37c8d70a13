"""What every webhook adapter shares: the message it hands on, its errors, signatures and
the freshness check on timestamps (an old signed delivery replayed is refused)."""

import datetime
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse, JsonResponse


class Forbidden(Exception):
    """The delivery is not signed with our secret, or is too old: 403, nothing written."""


class Malformed(Exception):
    """Signed, but not a body we can read: 400, nothing written."""


@dataclass(frozen=True)
class InboundText:
    """One message from a provider, in the provider's own terms."""

    provider: str
    message_id: str
    sender_id: str  # WeChat openid, chat visitor id, or the phone number for SMS
    body: str = ""
    kind: str = "text"  # text, image; anything else is logged and ignored
    sent_at: datetime.datetime | None = None
    name: str = ""
    phone: str = ""
    email: str = ""
    data: dict = field(default_factory=dict)


class Adapter:
    provider = ""
    secret_setting = ""

    def __init__(self, secret: str):
        self.secret = secret

    @classmethod
    def configured(cls) -> "Adapter | None":
        secret = getattr(settings, cls.secret_setting, "")
        return cls(secret) if secret else None

    def verify(self, request) -> None:
        raise NotImplementedError

    def parse(self, request) -> list[InboundText]:
        raise NotImplementedError

    def handshake(self, request) -> HttpResponse | None:
        """The answer to a GET the provider sends to check the URL (None: not supported)."""
        return None

    def acknowledge(self, received: int, duplicates: int) -> HttpResponse:
        return JsonResponse({"received": received, "duplicates": duplicates})


def check_fresh(timestamp: str) -> None:
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise Forbidden("no timestamp") from None
    if abs(time.time() - sent) > settings.INTAKE_WEBHOOK_MAX_AGE_SECONDS:
        raise Forbidden("stale timestamp")


def hmac_sha256(secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256 over "<timestamp>.<body>"."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class HmacJsonAdapter(Adapter):
    """JSON posts signed with HMAC-SHA256 of timestamp and body, in two headers."""

    timestamp_header = ""
    signature_header = ""

    def verify(self, request) -> None:
        timestamp = request.headers.get(self.timestamp_header, "")
        signature = request.headers.get(self.signature_header, "").removeprefix("sha256=")
        check_fresh(timestamp)
        expected = hmac_sha256(self.secret, timestamp, request.body)
        if not hmac.compare_digest(expected, signature.strip().lower()):
            raise Forbidden("bad signature")

    def payloads(self, request) -> list[dict]:
        """The body's messages: one object, or a list under "messages"."""
        try:
            body = json.loads(request.body or b"")
        except (UnicodeDecodeError, ValueError):
            raise Malformed("not JSON") from None
        items = body.get("messages", [body]) if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise Malformed("no messages")
        return items


def text(value, limit: int = 10_000) -> str:
    return str(value or "").strip()[:limit]


def moment(value) -> datetime.datetime | None:
    """An ISO 8601 time or Unix seconds, else None (the provider's clock is only noted)."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, int | float) or str(value).isdigit():
            return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
        parsed = datetime.datetime.fromisoformat(str(value))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
