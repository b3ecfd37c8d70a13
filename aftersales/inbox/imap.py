"""Fetching new mail from mailboxes on an IMAP server (the workers do it every minute).

Each mailbox remembers its folder's UIDVALIDITY and the last UID it read: a poll fetches
the messages above it, hands each to `services.receive`, marks it \\Seen and moves the
mark forward message by message, so a poll cut short resumes where it stopped (and a
message read twice is recognised by its Message-ID anyway). When the server says the
UIDs were renumbered (a new UIDVALIDITY), the folder is read again from the start.

The password comes from the environment variable the mailbox names, never the database.
A server that is down or refuses the login is logged on the mailbox and tried again at
the next poll; it never stops the other mailboxes.
"""

import contextlib
import imaplib
import logging
import os
import re
from dataclasses import dataclass

from django.utils import timezone

from aftersales.inbox import services
from aftersales.inbox.models import Mailbox

log = logging.getLogger(__name__)

TIMEOUT = 30
# At most this many messages per mailbox and poll: a big backlog is read over a few minutes.
BATCH = 200
UID_IN_FETCH = re.compile(rb"UID (\d+)")


class PollError(Exception):
    """The mailbox could not be read this time (server, login or folder trouble)."""


@dataclass
class Polled:
    fetched: int = 0
    error: str = ""


def _password(mailbox: Mailbox) -> str:
    value = os.environ.get(mailbox.imap_password_env or "")
    if value is None:
        raise PollError(f"environment variable {mailbox.imap_password_env or '(none)'} is not set")
    return value


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    kind = imaplib.IMAP4_SSL if mailbox.imap_ssl else imaplib.IMAP4
    client = kind(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    client.login(mailbox.imap_user, _password(mailbox))
    return client


def _check(result: tuple, what: str) -> list:
    status, data = result
    if status != "OK":
        raise PollError(f"{what}: {status} {data!r}")
    return data


def _uidvalidity(client: imaplib.IMAP4) -> int | None:
    _, data = client.response("UIDVALIDITY")
    try:
        return int(data[0]) if data and data[0] else None
    except (TypeError, ValueError):
        return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(mailbox: Mailbox) -> Polled:
    """Fetch the mailbox's new messages; raises PollError or OSError on trouble."""
    client = _connect(mailbox)
    try:
        _check(client.select(_quoted(mailbox.imap_folder or "INBOX")), "SELECT")
        validity = _uidvalidity(client)
        last_uid = mailbox.imap_last_uid
        if validity != mailbox.imap_uidvalidity:
            last_uid = 0
            Mailbox.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=validity, imap_last_uid=0)
            mailbox.imap_uidvalidity, mailbox.imap_last_uid = validity, 0
        data = _check(client.uid("SEARCH", None, f"UID {last_uid + 1}:*"), "SEARCH")
        # "n:*" also answers the highest existing UID when there is none above n.
        uids = sorted(int(uid) for uid in (data[0] or b"").split() if int(uid) > last_uid)
        polled = Polled()
        for uid in uids[:BATCH]:
            raw = _fetch(client, uid)
            if raw is not None:
                services.receive(raw, mailbox)
                client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
                polled.fetched += 1
            Mailbox.objects.filter(pk=mailbox.pk).update(imap_last_uid=uid)
            mailbox.imap_last_uid = uid
        return polled
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's bytes, without setting \\Seen before it is safely received."""
    data = _check(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None  # expunged meanwhile


def poll_all() -> dict[str, Polled]:
    """Poll every active mailbox with IMAP settings; a failing one is logged and recorded
    on the mailbox (`last_error`), and the others are polled all the same."""
    results = {}
    for mailbox in Mailbox.objects.filter(active=True).exclude(imap_host=""):
        try:
            polled = poll(mailbox)
        except (PollError, imaplib.IMAP4.error, OSError) as error:
            log.warning("IMAP poll of %s failed: %s", mailbox.address, error)
            polled = Polled(error=f"{type(error).__name__}: {error}"[:2000])
        except Exception as error:  # noqa: BLE001 - one mailbox's trouble never stops the rest
            log.exception("IMAP poll of %s failed", mailbox.address)
            polled = Polled(error=f"{type(error).__name__}: {error}"[:2000])
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=timezone.now(), last_error=polled.error
        )
        results[mailbox.address] = polled
    return results
