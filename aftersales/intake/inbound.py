"""A message from a webhook (chat, WeChat, SMS) onto a request, once.

The sender is found by phone (SMS) or by the channel's own id (`ChannelIdentity`, made on
first contact). Their newest open request on the same channel (not resolved, closed or
cancelled) gets the message; without one a new request is opened. Every delivery is
logged with its outcome (`InboundMessage`); the same (provider, message id) again writes
nothing and returns the first entry.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from aftersales.core.errors import DomainError
from aftersales.customers.services import customer_for_sender
from aftersales.intake.adapters import InboundText
from aftersales.intake.models import ChannelIdentity, InboundMessage, Outcome, Provider
from aftersales.service.choices import OPEN_STATUSES, Channel
from aftersales.service.intake import subject_from
from aftersales.service.models import ServiceRequest
from aftersales.service.services import create_request, receive_message

CHANNELS = {Provider.WECHAT: Channel.WECHAT, Provider.SMS: Channel.SMS, Provider.CHAT: Channel.CHAT}
KINDS = frozenset({"text", "image"})


def receive(message: InboundText) -> tuple[InboundMessage, bool]:
    """(log entry, duplicate): the message on a request, or the entry of its first delivery."""
    earlier = _earlier(message)
    if earlier is not None:
        return earlier, True
    try:
        with transaction.atomic():
            return _receive(message), False
    except IntegrityError:
        # The same delivery, at the same time, committed first: all of this rolled back.
        earlier = _earlier(message)
        if earlier is None:
            raise
        return earlier, True


def _earlier(message: InboundText) -> InboundMessage | None:
    return InboundMessage.objects.filter(
        provider=message.provider, message_id=message.message_id
    ).first()


def _receive(message: InboundText) -> InboundMessage:
    channel = CHANNELS[message.provider]
    body = message.body or _placeholder(message)
    customer = request = None
    if message.kind not in KINDS or not body:
        outcome = Outcome.IGNORED  # a subscription, a menu click, an empty text
    else:
        customer, contact = _sender(message, channel)
        request = open_request(customer, channel)
        outcome = Outcome.ADDED
        if request is not None:
            try:
                receive_message(
                    request, body=body, channel=channel, sender=message.sender_id,
                    data={"provider": message.provider, "message_id": message.message_id,
                          **message.data},
                )  # fmt: skip
            except DomainError:
                request = None  # closed meanwhile: a new request, as if none were open
        if request is None:
            outcome = Outcome.CREATED
            request = create_request(
                actor=None, customer=customer, contact=contact, channel=channel,
                subject=subject_from(body), description=body,
            )  # fmt: skip
    return InboundMessage.objects.create(
        provider=message.provider, message_id=message.message_id,
        sender=message.sender_id[:128], kind=message.kind[:20], body=message.body,
        data=message.data, outcome=outcome, customer=customer, request=request,
        sent_at=message.sent_at,
    )  # fmt: skip


def open_request(customer, channel: str) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.filter(customer=customer, channel=channel, status__in=OPEN_STATUSES)
        .order_by("-received_at", "-pk")
        .first()
    )


def _placeholder(message: InboundText) -> str:
    """A picture has no text: say so in the staff's language, so the timeline shows it."""
    if message.kind != "image":
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("(The customer sent a picture.)")


def _sender(message: InboundText, channel: str):
    """(customer, contact) of the message; a new sender becomes a customer to review."""
    if message.provider == Provider.SMS:
        customer, contact, _created = customer_for_sender(phone=message.sender_id, source=channel)
        return customer, contact
    identity = _identity(message)
    if identity is not None:
        return identity.customer, None
    try:
        with transaction.atomic():
            customer, contact, _created = customer_for_sender(
                email=message.email, phone=message.phone, name=message.name or _name(message),
                source=channel,
            )  # fmt: skip
            ChannelIdentity.objects.create(
                customer=customer, channel=message.provider, external_id=message.sender_id
            )
    except IntegrityError:
        # Their first two messages arrived together and the other made them: use that one.
        identity = _identity(message)
        if identity is None:
            raise
        return identity.customer, None
    return customer, contact


def _identity(message: InboundText) -> ChannelIdentity | None:
    return (
        ChannelIdentity.objects.select_related("customer")
        .filter(channel=message.provider, external_id=message.sender_id)
        .first()
    )


def _name(message: InboundText) -> str:
    """WeChat gives no name: the customer is called by the channel and the id's end."""
    with translation.override(settings.LANGUAGE_CODE):
        label = Provider(message.provider).label
        return f"{label} {message.sender_id[-6:]}"
