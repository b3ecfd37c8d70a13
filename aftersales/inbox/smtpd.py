"""The SMTP receiver (`manage.py receive_mail`): an aiosmtpd server that takes mail for
our active mailboxes and hands each message to `services.receive`.

RCPT is accepted only for an active mailbox's address (550 otherwise), so the server is
no open relay and a typo bounces at once. The ORM is synchronous and Django refuses it
inside an event loop: each lookup and each `receive` runs in a worker thread through
`sync_to_async`, with the thread's database connection checked like a web request's.
A message that cannot be stored because the database is unwell gets 451, so the
sending server tries again later and nothing is lost.
"""

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.db import DatabaseError, close_old_connections, connections

from aftersales.inbox import services
from aftersales.inbox.models import Mailbox

log = logging.getLogger(__name__)

# The biggest message we take (aiosmtpd answers 552 above it).
DATA_SIZE_LIMIT = 50 * 1024 * 1024


def _with_fresh_connection(function):
    """Run `function` in the executor thread on a connection of its own, closed after:
    mail comes seldom enough that reconnecting costs nothing, and no idle connection
    outlives the work (or keeps a test database open)."""

    def run(*args, **kwargs):
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def _active_mailbox(address: str) -> Mailbox | None:
    return Mailbox.objects.filter(address__iexact=address.strip(), active=True).first()


def _deliver(raw: bytes, addresses: list[str]) -> int:
    delivered = 0
    for address in addresses:
        mailbox = _active_mailbox(address)
        if mailbox is not None:
            services.receive(raw, mailbox)
            delivered += 1
    return delivered


class MailboxHandler:
    """aiosmtpd handler: RCPT for our mailboxes only, DATA into `services.receive`."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        try:
            mailbox = await sync_to_async(_with_fresh_connection(_active_mailbox))(address)
        except DatabaseError:
            log.exception("Mailbox lookup for %s failed", address)
            return "451 4.3.0 Temporary failure, try again later"
        if mailbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(_with_fresh_connection(_deliver))(raw, list(envelope.rcpt_tos))
        except Exception:  # noqa: BLE001 - any trouble: the sender keeps the mail and retries
            log.exception("Mail from %s could not be stored", envelope.mail_from)
            return "451 4.3.0 Temporary failure, try again later"
        return "250 Message accepted for delivery"


def controller(host: str = "127.0.0.1", port: int = 2525) -> Controller:
    """A server on `host:port` in its own thread; `.start()` and `.stop()` it."""
    return Controller(
        MailboxHandler(),
        hostname=host,
        port=port,
        data_size_limit=DATA_SIZE_LIMIT,
        decode_data=False,
        server_hostname=None,
        ident="aftersales",
    )
