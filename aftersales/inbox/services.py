"""Use cases of the email channel: receive a mail, and the managers' mailbox set-up.

`receive(raw_bytes, mailbox)` is what the SMTP receiver and the IMAP poller call for
every message. It records the mail once (its Message-ID is unique: a second delivery
returns the first record and does nothing), keeps the raw message as a file, and decides:

- bounces (delivery reports) mark our outbound email failed, auto-replies are logged,
  mail from our own addresses is refused: none of them opens a request or is answered;
- a reply (threaded by headers or the request number in the subject, see `threading`)
  becomes a message on its request, or a new request when that one is closed;
- anything else opens a new request for the sender (found, or created and flagged for
  review), with the mail's attachments.
"""

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from aftersales.accounts.roles import BACK_OFFICE, MANAGERS, role_of
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.customers.models import Source
from aftersales.customers.services import customer_for_sender
from aftersales.inbox import parsing, threading
from aftersales.inbox.models import ON_REQUEST, InboundMail, Mailbox, Outcome
from aftersales.notifications.services import record_bounce
from aftersales.service import services as requests
from aftersales.service.choices import Channel, Status
from aftersales.service.intake import subject_from

log = logging.getLogger(__name__)

# The same words from the same sender within this time are one message sent twice.
DUPLICATE_WINDOW = timedelta(days=1)
SUBJECT_LENGTH = 200


# --- Who may do what ----------------------------------------------------------------------


def can_read(user) -> bool:
    """The mailbox pages and the log of received mail: the back office."""
    return role_of(user) in BACK_OFFICE


def can_manage(user) -> bool:
    return role_of(user) in MANAGERS


def check_manage(actor) -> None:
    if not can_manage(actor):
        raise NotAllowed(_("Only service managers may set up mailboxes."))


# --- Mailboxes ------------------------------------------------------------------------------


def check_mailbox(mailbox: Mailbox) -> None:
    mailbox.address = (mailbox.address or "").strip().lower()
    # One default: `save_mailbox` unmarks the previous one rather than refusing.
    mailbox.full_clean(validate_unique=False, validate_constraints=False)
    clash = Mailbox.objects.filter(address__iexact=mailbox.address).exclude(pk=mailbox.pk)
    if clash.exists():
        raise ValidationError({"address": _("Another mailbox has this address.")})
    if mailbox.imap_host and not (mailbox.imap_user and mailbox.imap_password_env):
        raise ValidationError(
            {
                "imap_user": _(
                    "To fetch mail over IMAP, give the user and the name of the variable "
                    "that holds the password."
                )
            }
        )


@transaction.atomic
def save_mailbox(mailbox: Mailbox, *, actor) -> Mailbox:
    """Create or change a mailbox. Marking one the default unmarks the previous one;
    pointing it at another IMAP server or folder starts reading that one from the start
    (mail read before is recognised by its Message-ID)."""
    check_manage(actor)
    check_mailbox(mailbox)
    if mailbox.pk:
        before = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        where = ("imap_host", "imap_port", "imap_user", "imap_folder")
        if any(getattr(before, name) != getattr(mailbox, name) for name in where):
            mailbox.imap_uidvalidity, mailbox.imap_last_uid = None, 0
    if mailbox.is_default:
        Mailbox.objects.filter(is_default=True).exclude(pk=mailbox.pk).update(is_default=False)
    mailbox.save()
    return mailbox


@transaction.atomic
def delete_mailbox(mailbox: Mailbox, *, actor) -> None:
    check_manage(actor)
    if mailbox.mails.exists():
        raise Conflict(
            _("This mailbox has received mail, which stays on record; deactivate it instead.")
        )
    mailbox.delete()


# --- Receiving ------------------------------------------------------------------------------


def message_id_of(message, raw: bytes) -> str:
    """The mail's Message-ID; one made from its bytes when it has none (or an unusable
    one), so the same bytes delivered twice are still recognised."""
    ids = parsing.message_ids(parsing.header(message, "Message-ID"))
    if ids and len(ids[0]) <= 255:
        return ids[0]
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid>"


def receive(raw: bytes, mailbox: Mailbox) -> InboundMail:
    """Take one raw message that arrived at `mailbox`; return its record (the first one
    when the same message came before). Safe to call any number of times."""
    message = parsing.parse(raw)
    message_id = message_id_of(message, raw)
    existing = InboundMail.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _receive(raw, message, message_id, mailbox)
    except IntegrityError:
        # Delivered twice at the same moment (SMTP and IMAP): the other one won.
        existing = InboundMail.objects.filter(message_id=message_id).first()
        if existing is None:
            raise
        return existing


def _receive(raw: bytes, message, message_id: str, mailbox: Mailbox) -> InboundMail:
    name, address = parsing.sender(message)
    subject = parsing.header(message, "Subject")
    text = parsing.body_text(message)
    mail = InboundMail(
        mailbox=mailbox,
        message_id=message_id,
        from_address=address,
        from_name=name,
        subject=subject[:255],
        received_at=timezone.now(),
        digest=hashlib.sha256(f"{address}\n{subject}\n{text}".encode()).hexdigest(),
        raw_size=len(raw),
    )
    try:
        with transaction.atomic(), translation.override(mailbox.language):
            _route(mail, message, raw, text)
    except DatabaseError:
        raise  # the database is unwell: the sender or the next poll tries again
    except Exception as error:  # noqa: BLE001 - a mail we cannot handle is kept, not retried
        if not isinstance(error, DomainError | ValidationError):
            log.exception("Mail %s to %s could not be handled", message_id, mailbox.address)
        mail.outcome, mail.request, mail.outbound = Outcome.REFUSED, None, None
        mail.note = _("Could not be handled: %(error)s") % {"error": _error_text(error)}
    mail.raw.save(f"{hashlib.sha256(raw).hexdigest()[:40]}.eml", ContentFile(raw), save=False)
    mail.save()
    return mail


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    return str(error) or type(error).__name__


def _route(mail: InboundMail, message, raw: bytes, text: str) -> None:
    """Decide what the mail is and do it; sets `mail.outcome` and what it refers to."""
    if not mail.mailbox.active:
        mail.outcome, mail.note = Outcome.REFUSED, _("The mailbox is not active.")
        return
    if parsing.is_bounce(message):
        _bounce(mail, message, raw)
        return
    reason = parsing.auto_reply_reason(message)
    if reason:
        mail.outcome, mail.note = Outcome.AUTO_REPLY, reason
        mail.outbound = threading.find(message, "").outbound
        return
    if not mail.from_address:
        mail.outcome, mail.note = Outcome.REFUSED, _("The mail has no sender address.")
        return
    if mail.from_address in threading.our_addresses() or threading.OUTBOX_ID.match(mail.message_id):
        # Never answer ourselves: a loop would send mail back and forth for ever.
        mail.outcome, mail.note = Outcome.REFUSED, _("Sent from one of our own addresses.")
        return
    earlier = (
        InboundMail.objects.filter(
            digest=mail.digest,
            outcome__in=ON_REQUEST,
            received_at__gte=mail.received_at - DUPLICATE_WINDOW,
        )
        .order_by("-received_at")
        .first()
    )
    if earlier is not None and text:
        mail.outcome, mail.request = Outcome.DUPLICATE, earlier.request
        mail.note = _("The same text from the same sender arrived before (%(id)s).") % {
            "id": earlier.message_id
        }
        return
    thread = threading.find(message, mail.from_address)
    mail.outbound = thread.outbound
    files = [attachment.as_file() for attachment in parsing.attachments(message)]
    request = thread.request
    if request is not None and request.status not in (Status.CLOSED, Status.CANCELLED):
        received = requests.receive_message(
            request,
            body=parsing.strip_quoted(text),
            channel=Channel.EMAIL,
            sender=mail.from_address,
            files=files,
            data={"message_id": mail.message_id, "mailbox": mail.mailbox.address},
        )
        mail.outcome, mail.request = Outcome.ADDED, request
        mail.note = _refused_note(received.refused)
        return
    notes = []
    if request is not None:
        # A reply to a finished request: a new one that says which it follows.
        mail.outcome = Outcome.REOPENED
        text = "\n\n".join(
            filter(
                None,
                [
                    _("This is about request %(number)s, which was already closed.")
                    % {"number": request.number},
                    parsing.strip_quoted(text),
                ],
            )
        )
    else:
        mail.outcome = Outcome.CREATED
        if thread.refused is not None:
            mail.flagged = True
            notes.append(threading.note_for_refused(thread))
    mail.request, created, refused = _open_request(mail, text, files)
    if created:
        notes.append(_("A sender we did not know: new customer, to be checked."))
    notes.append(_refused_note(refused))
    mail.note = "\n".join(filter(None, notes))


def _open_request(mail: InboundMail, description: str, files: list):
    """A new request from the mail's sender: (request, customer created, files refused)."""
    customer, contact, created = customer_for_sender(
        email=mail.from_address,
        name=mail.from_name,
        source=Source.EMAIL,
        language=mail.mailbox.language,
    )
    subject = Truncator(" ".join(mail.subject.split())).chars(SUBJECT_LENGTH)
    request = requests.create_request(
        actor=None,
        customer=customer,
        contact=contact,
        subject=subject or subject_from(description) or _("Email without a subject"),
        channel=Channel.EMAIL,
        description=description,
        kind=mail.mailbox.default_kind,
        team=mail.mailbox.team,
    )
    _kept, refused = requests.attach_received(request, files)
    return request, created, refused


def _refused_note(refused: list) -> str:
    if not refused:
        return ""
    return _("Files not kept: %(files)s") % {
        "files": "; ".join(f"{item['name']} ({item['reason']})" for item in refused)
    }


def _bounce(mail: InboundMail, message, raw: bytes) -> None:
    details = parsing.bounce_details(message, raw)
    mail.outcome, mail.note = Outcome.BOUNCE, details.reason
    ours = threading.our_messages(details.original_message_ids)
    outbound = next(iter(ours.values()), None)
    if outbound is None:
        # A bounce that names a Message-ID we cannot check (stamp missing) is only logged.
        return
    record_bounce(outbound, details.reason)
    mail.outbound, mail.request = outbound, outbound.request


def mails_of(request):
    """The mails received on a request, oldest first (for its page)."""
    return (
        InboundMail.objects.filter(request=request)
        .select_related("mailbox")
        .order_by("received_at", "id")
    )
