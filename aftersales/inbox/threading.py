"""Which request a mail belongs to, and the headers that keep our replies in the
customer's thread.

Inbound: In-Reply-To / References name one of our outbound emails
(`<outbox.<pk>.<stamp>@domain>`, see `notifications.adapters.message_id_for`) or a mail
the customer sent earlier; failing that, the request number in the subject (clients that
strip headers). Either way only the request's own customer may write onto it: anyone
else who names it gets a request of their own, flagged for staff.

Outbound: `headers_for(message)` is the `OUTBOX_EMAIL_HEADERS` hook the email adapter
calls for every email it sends.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from aftersales.customers.services import find_sender
from aftersales.inbox import parsing
from aftersales.inbox.models import ON_REQUEST, InboundMail, Mailbox
from aftersales.notifications.adapters import message_id_for
from aftersales.notifications.models import Channel, OutboundMessage
from aftersales.notifications.models import Status as OutboxStatus
from aftersales.service.models import ServiceRequest

OUTBOX_ID = re.compile(r"^<outbox\.(\d+)\.\d+@")
NUMBER = re.compile(r"\bSR-\d{4}-\d{6,}\b", re.I)
# A long thread's References keep the first and the latest ids only.
MAX_REFERENCES = 20


@dataclass
class Thread:
    request: ServiceRequest | None = None
    outbound: OutboundMessage | None = None
    # Set when the mail named a request its sender may not write to.
    refused: ServiceRequest | None = None
    how: str = ""


def referenced_ids(message) -> list[str]:
    """Ids the mail answers, the closest first: In-Reply-To, then References newest first."""
    ids = parsing.message_ids(parsing.header(message, "In-Reply-To"))
    for mid in reversed(parsing.message_ids(parsing.header(message, "References"))):
        if mid not in ids:
            ids.append(mid)
    return ids


def our_messages(ids: list[str]) -> dict[str, OutboundMessage]:
    """Our emails among `ids`, checked against their full Message-ID (pk and stamp)."""
    pks = {int(m.group(1)) for m in (OUTBOX_ID.match(mid) for mid in ids) if m}
    if not pks:
        return {}
    found = {}
    for message in OutboundMessage.objects.filter(pk__in=pks, request__isnull=False).select_related(
        "request"
    ):
        found[message_id_for(message)] = message
    return found


def _may_write(request, sender_address: str, outbound: OutboundMessage | None) -> bool:
    """The request's customer (their own or a contact's address), or the address our
    email on it went to."""
    if outbound is not None and outbound.to_address.strip().lower() == sender_address:
        return True
    customer, _contact = find_sender(email=sender_address)
    return customer is not None and customer.pk == request.customer_id


def find(message, sender_address: str) -> Thread:
    ids = referenced_ids(message)
    if ids:
        ours = our_messages(ids)
        earlier = {
            mail.message_id: mail
            for mail in InboundMail.objects.filter(
                message_id__in=ids, request__isnull=False
            ).select_related("request")
        }
        for mid in ids:
            outbound = ours.get(mid)
            request = outbound.request if outbound else getattr(earlier.get(mid), "request", None)
            if request is None:
                continue
            if _may_write(request, sender_address, outbound):
                return Thread(request=request, outbound=outbound, how="header")
            return Thread(refused=request, outbound=outbound, how="header")
    match = NUMBER.search(parsing.header(message, "Subject"))
    if match:
        request = ServiceRequest.objects.filter(number=match.group(0).upper()).first()
        if request is not None:
            if _may_write(request, sender_address, None):
                return Thread(request=request, how="subject")
            return Thread(refused=request, how="subject")
    return Thread()


# --- Outbound ---------------------------------------------------------------------------


def reply_mailbox(request) -> Mailbox | None:
    """The mailbox the request came in by, else the default one (active only)."""
    first = (
        InboundMail.objects.filter(request=request, outcome__in=ON_REQUEST, mailbox__active=True)
        .select_related("mailbox")
        .order_by("received_at", "id")
        .first()
    )
    if first is not None:
        return first.mailbox
    return Mailbox.objects.filter(is_default=True, active=True).first()


def headers_for(message) -> dict[str, str]:
    """Threading headers for an outbox email about a request: In-Reply-To the customer's
    latest mail on it, References the conversation (their first mail first), Reply-To
    the mailbox it came in by (else the default mailbox)."""
    if message.channel != Channel.EMAIL or not message.request_id or message.user_id:
        return {}  # only the customer's emails thread on their mail; staff get theirs plain
    request = message.request
    headers = {}
    theirs = list(
        InboundMail.objects.filter(request=request, outcome__in=ON_REQUEST)
        .order_by("received_at", "id")
        .values_list("message_id", "received_at")
    )
    ours = list(
        OutboundMessage.objects.filter(
            request=request, channel=Channel.EMAIL, status=OutboxStatus.SENT
        )
        .exclude(pk=message.pk)
        .order_by("sent_at", "id")
        .values_list("provider_id", "sent_at")
    )
    if theirs:
        headers["In-Reply-To"] = theirs[-1][0]
        chain = [mid for mid, _at in sorted(theirs[1:] + ours, key=lambda row: row[1]) if mid]
        chain = [theirs[0][0], *[mid for mid in chain if mid != theirs[0][0]]]
        if len(chain) > MAX_REFERENCES:
            chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
        headers["References"] = " ".join(dict.fromkeys(chain))
    mailbox = reply_mailbox(request)
    if mailbox is not None and mailbox.address != _from_address():
        headers["Reply-To"] = str(mailbox)
    return headers


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def our_addresses() -> set[str]:
    """Addresses we send from or receive at: mail from them is a loop, never answered."""
    addresses = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    addresses.add(_from_address())
    addresses.discard("")
    return addresses


def note_for_refused(thread: Thread) -> str:
    return _(
        "The mail names request %(number)s, which belongs to another customer; it was "
        "opened as a new request instead."
    ) % {"number": thread.refused.number}
