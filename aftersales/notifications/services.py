"""Notification use cases: queue a message in the caller's transaction, deliver it with
retries, and let managers retry or cancel it and edit the templates.

- `notify(event, request=…, customer=…, user=…, context=…)` is what other apps call when
  something happened. It picks the recipient's address and language, renders the active
  template into an outbox row in the caller's transaction (so a rolled-back change sends
  nothing, and a later template edit does not change what was queued) and hands delivery
  to the workers once the transaction commits.
- `deliver(message_id)` claims one due message with a conditional UPDATE (so two workers
  never both send it), sends it outside any transaction, then records the outcome:
  sent, a retry with exponential backoff, or failed after `OUTBOX_MAX_ATTEMPTS`.
  A worker that dies after its claim leaves a `sending` row whose claim runs out after
  `OUTBOX_SENDING_TIMEOUT` seconds; `deliver_due()` then sends it again, with the same
  email Message-ID.
- `retry_now` and `cancel` are the managers' buttons; `save_template` their template edits.
"""

import contextlib
import datetime
import functools
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import signed_in
from aftersales.core import background
from aftersales.core.background import enqueue
from aftersales.core.errors import Conflict, NotAllowed
from aftersales.notifications import deliverer
from aftersales.notifications.adapters import (
    PermanentFailure,
    TemporaryFailure,
    adapter_for,
)
from aftersales.notifications.models import (
    CUSTOMER_EVENTS,
    Channel,
    DeliveryEvent,
    Event,
    Language,
    MessageTemplate,
    OutboundMessage,
    Status,
)

log = logging.getLogger(__name__)

# The wait after the n-th failed attempt (n = 1, 2, …); the last one repeats.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=12),
    datetime.timedelta(hours=24),
)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after `attempts` failed attempts before the next one."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


def sending_timeout() -> datetime.timedelta:
    """How long a worker's claim on a message lasts; after it the message is due again."""
    return datetime.timedelta(seconds=int(getattr(settings, "OUTBOX_SENDING_TIMEOUT", 300)))


# --- Who may ------------------------------------------------------------------------------
#
# The back office reads message templates and the outbox of a request; administrators and
# service managers edit templates, see the whole outbox, retry and cancel messages. Field
# staff read the messages of the requests they may see; customers read none of this.


def can_read(user) -> bool:
    return signed_in(user) and user.is_back_office


def can_manage(user) -> bool:
    return signed_in(user) and user.is_manager


def can_read_messages(user, request) -> bool:
    """May `user` see the messages sent about service request `request`?"""
    if not (signed_in(user) and user.may_use_staff_ui):
        return False
    from aftersales.service.access import can_view

    return can_view(user, request)


def check_manage(actor) -> None:
    """`actor` None is the system itself (a task, a data migration)."""
    if actor is not None and not can_manage(actor):
        raise NotAllowed(
            _("Only administrators and service managers may change messages and their templates.")
        )


# --- Rendering ----------------------------------------------------------------------------
#
# Templates are rendered by an engine of their own: no template files to include or
# extend, no tag libraries to load, only the variables given, and no HTML escaping (the
# messages are plain text).

_ENGINE = Engine(debug=True, autoescape=False, libraries={}, loaders=[])

STANDARD_VARIABLES = {
    "service_name": _("Our company's name (setting SERVICE_NAME)"),
    "service_phone": _("Our service hotline (setting SERVICE_PHONE)"),
    "service_email": _("Our service email address"),
    "recipient_name": _("Name of the person the message goes to"),
    "customer_name": _("The customer's name"),
    "request_number": _("Request number, e.g. SR-2026-000123"),
    "request_subject": _("Request subject"),
    "request_url": _("Link to the request (staff), if known"),
    "portal_url": _("Link for the customer, if given"),
}

# The variables each event's caller gives, with sample values for the preview.
EVENT_VARIABLES = {
    Event.REQUEST_RECEIVED: {"response_due": "2026-03-02 17:00"},
    Event.VISIT_BOOKED: {
        "visit_date": "2026-03-03",
        "visit_window": "09:00–12:00",
        "technician_name": "李师傅",
        "technician_phone": "139 1234 5678",
    },
    Event.REQUEST_RESOLVED: {"resolution": "更换压缩机启动电容，试机制冷正常。"},
    Event.FOLLOW_UP: {"survey_url": "https://service.example.com/s/abc123"},
    Event.QUOTE_SENT: {
        "quote_url": "https://service.example.com/q/abc123/",
        "quote_total": "CNY 480.00",
        "valid_until": "2026-03-16",
    },
    Event.SLA_WARNING: {
        "deadline_kind": "resolution",
        "deadline": "2026-03-02 17:00",
        "time_left": "2 h",
        "priority": "high",
    },
    Event.SLA_BREACHED: {
        "deadline_kind": "resolution",
        "deadline": "2026-03-02 17:00",
        "overdue_by": "30 min",
        "priority": "high",
        "escalation_level": "1",
    },
    Event.ASSIGNED: {"assigned_by": "张经理", "priority": "normal"},
    Event.VISIT_ASSIGNED: {
        "visit_date": "2026-03-03",
        "visit_window": "09:00–12:00",
        "visit_address": "上海市浦东新区张江路 88 号 3 号楼 502",
        "visit_url": "https://service.example.com/visits/42/",
        "assigned_by": "调度 周敏",
    },
    Event.REQUEST_REOPENED: {
        "reason": "回访：客户反映空调仍不制冷。",
        "reopened_by": "客服 陈静",
    },
    Event.LOW_SCORE: {
        "csat": "2",
        "nps": "4",
        "comments": "师傅迟到了两个小时，也没有提前打电话。",
        "technician_name": "李师傅",
        "recovery_url": "https://service.example.com/follow-ups/42/",
    },
    Event.AGENT_REPLY: {
        "message": "您好，压缩机配件已到，工程师明天上午上门更换。",
        "replied_by": "客服 陈静",
    },
    Event.CUSTOMER_REPLIED: {"message": "明天上午家里有人，可以上门。", "channel": "邮件"},
    Event.PORTAL_INVITE: {
        "invite_url": "https://service.example.com/my/invite/abc123/",
        "invited_by": "客服 陈静",
        "valid_days": "7",
    },
    Event.PORTAL_CODE: {"code": "428190", "valid_minutes": "10"},
    Event.COMPLAINT_ALERT: {"severity": "重大", "repeat": "True", "opened_by": "客服 张丽"},
    Event.VISIT_REPORT: {
        "work_done": "检测为压缩机故障，需更换压缩机。",
        "not_fixed_reason": "需要配件",
        "form_url": "https://service.example.com/requests/attachments/abc123/",
    },
    Event.MAINTENANCE_REPORT: {
        "report_title": "维护整改报告",
        "product": "海川 5匹 风管式中央空调",
        "serial_number": "HCA25120500011",
        "findings": "出风口温度（制冷）：15.2 °C，不在 8 – 16 °C 内；商定：下周清洗冷凝器。",
        "technician_name": "李师傅",
    },
    Event.DEVICE_ALARM: {
        "product": "海川 5匹 风管式中央空调",
        "serial_number": "HCA25120500011",
        "problem": "排气温度过高",
        "next_step": "我们已安排工程师处理，如需上门会提前与您联系。",
    },
    Event.COURSE_SUGGESTED: {
        "course_title": "空调正确使用与日常保养",
        "course_details": "培训方式：在客户现场；2 学时；费用：包含在您的服务合同中。\n"
        "近期开班：2026-12-01 14:00，望京街628号（剩余 6 个名额）",
    },
    Event.CAMPAIGN: {
        "campaign_subject": "您的空调保修即将到期",
        "campaign_message": (
            "您的空调整机保修将于 2026-12-20 到期。现在购买延保，可再享两年免费维修。"
        ),
    },
}

SAMPLE_STANDARD = {
    "service_name": "aftersales",
    "service_phone": "400-800-1234",
    "service_email": "service@example.com",
    "recipient_name": "王小明",
    "customer_name": "王小明",
    "request_number": "SR-2026-000123",
    "request_subject": "空调不制冷",
    "request_url": "https://service.example.com/requests/SR-2026-000123/",
    "portal_url": "https://service.example.com/my/SR-2026-000123/",
}


def sample_context(event: str) -> dict:
    """Made-up values of every variable `event`'s messages can use, for the preview."""
    return {**SAMPLE_STANDARD, **EVENT_VARIABLES.get(event, {})}


@functools.lru_cache(maxsize=256)
def _compiled(source: str):
    """Templates are few and messages many: each text is compiled once per process."""
    return _ENGINE.from_string(source)


def _compile(source: str, field: str):
    try:
        return _compiled(source)
    except TemplateSyntaxError as error:
        raise ValidationError({field: _template_error(error, source)}) from error


def _template_error(error: Exception, source: str) -> str:
    info = getattr(error, "template_debug", None)
    if info:
        return str(
            _("Template error on line %(line)s: %(error)s")
            % {"line": info["line"], "error": info["message"]}
        )
    return str(_("Template error: %(error)s") % {"error": error})


def render(source: str, context: dict, field: str = "body") -> str:
    """Render template text `source` with only `context`; template errors raise
    ValidationError on `field`."""
    template = _compile(source, field)
    try:
        return template.render(Context(context, autoescape=False))
    except Exception as error:  # noqa: BLE001 - {% include %}, bad filter arguments…
        raise ValidationError({field: _template_error(error, source)}) from error


def render_message(subject: str, body: str, channel: str, context: dict) -> tuple[str, str]:
    """The subject (email only, one line) and text of a message."""
    text = render(body, context, "body").strip()
    title = ""
    if channel == Channel.EMAIL:
        title = " ".join(render(subject, context, "subject").split())
    return title, text


def _compile_both(channel: str, subject: str, body: str) -> None:
    errors = {}
    for field, source in (("subject", subject if channel == Channel.EMAIL else ""), ("body", body)):
        try:
            _compile(source, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def check_template(template: MessageTemplate) -> None:
    """A template must compile, render with sample data, and say something."""
    errors = {}
    if template.channel == Channel.EMAIL and not template.subject.strip():
        errors["subject"] = _("An email needs a subject.")
    if not template.body.strip():
        errors["body"] = _("Write the text of the message.")
    if errors:
        raise ValidationError(errors)
    # Syntax errors are explained in the editor's language; the sample rendering runs in
    # the template's own (dates, numbers).
    _compile_both(template.channel, template.subject, template.body)
    with translation.override(template.language):
        render_message(
            template.subject, template.body, template.channel, sample_context(template.event)
        )


def preview(event: str, channel: str, language: str, subject: str, body: str) -> dict:
    """What a message would look like with sample data: subject, body, errors."""
    try:
        _compile_both(channel, subject, body)
        with translation.override(language or None):
            title, text = render_message(subject, body, channel, sample_context(event))
    except ValidationError as error:
        return {"subject": "", "body": "", "errors": error.message_dict}
    return {"subject": title, "body": text, "errors": {}}


@transaction.atomic
def save_template(template: MessageTemplate, *, actor) -> MessageTemplate:
    """Create or change a message template. Messages already queued keep their text."""
    check_manage(actor)
    template.subject = template.subject.strip() if template.channel == Channel.EMAIL else ""
    template.full_clean()
    check_template(template)
    template.updated_by = actor
    template.save()
    return template


# --- Queueing -----------------------------------------------------------------------------


def _other_language(language: str) -> str:
    return Language.EN if language == Language.ZH_HANS else Language.ZH_HANS


def _language_of(recipient) -> str:
    language = (getattr(recipient, "language", "") or "").lower()
    if language in Language.values:
        return language
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in Language.values else "zh-hans"


def _address(recipient, channel: str | None) -> tuple[str, str] | None:
    """(channel, address) to reach `recipient`: email if they have one, else SMS to their
    phone (customers only, unless SMS is asked for), or the asked-for channel."""
    email = (getattr(recipient, "email", "") or "").strip()
    phone = (getattr(recipient, "phone", "") or "").strip()

    def openid() -> str:
        # Looked up only when needed: for a customer it may cost a query.
        return (getattr(recipient, "wechat_openid", "") or "").strip()

    if channel == Channel.EMAIL:
        return (channel, email) if email else None
    if channel == Channel.SMS:
        return (channel, phone) if phone else None
    if channel == Channel.WECHAT:
        return (channel, openid()) if openid() else None
    if email:
        return Channel.EMAIL, email
    from aftersales.customers.models import Customer

    if isinstance(recipient, Customer):
        if phone:
            return Channel.SMS, phone
        # Someone who only ever wrote to us on WeChat is answered there.
        if openid():
            return Channel.WECHAT, openid()
    return None


def _template_for(event: str, channel: str, language: str) -> MessageTemplate | None:
    """The active template in `language`, else the active one in the other language."""
    found = {
        t.language: t
        for t in MessageTemplate.objects.filter(event=event, channel=channel, active=True)
    }
    return found.get(language) or found.get(_other_language(language))


def _recipients(event: str, request, customer, user) -> list:
    recipients = [r for r in (user, customer) if r is not None]
    if not recipients and request is not None:
        default = request.customer if event in CUSTOMER_EVENTS else request.assignee
        if default is not None:
            recipients.append(default)
    return recipients


def _standard_context(request, customer, recipient, staff: bool) -> dict:
    customer = customer or (request.customer if request is not None else None)
    context = {
        "service_name": getattr(settings, "SERVICE_NAME", "aftersales"),
        "service_phone": getattr(settings, "SERVICE_PHONE", ""),
        "service_email": getattr(settings, "SERVICE_EMAIL", "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "recipient_name": str(recipient),
        "customer_name": customer.name if customer is not None else "",
        "request_number": "",
        "request_subject": "",
        "request_url": "",
        "portal_url": "",
    }
    if request is not None:
        context["request_number"] = request.number
        context["request_subject"] = request.subject
        if staff and getattr(settings, "SITE_URL", ""):
            context["request_url"] = site_link("service:detail", request.number)
    return context


def site_link(name: str, *args) -> str:
    """An absolute link for a message (SITE_URL + the named URL); "" when the URL is not
    known. Messages are read outside the site, so their links cannot be relative."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _recipient_key(recipient) -> str:
    return f"{type(recipient).__name__.lower()}:{recipient.pk}"


def notify(
    event: str,
    *,
    request=None,
    customer=None,
    user=None,
    context: dict | None = None,
    channel: str | None = None,
    dedupe_key: str | None = None,
    attachments=(),
) -> list[OutboundMessage]:
    """Queue the messages about `event` in the caller's transaction; deliver after commit.

    Recipients: `user` and/or `customer`; when neither is given, the request's customer
    (customer events) or assignee (staff events). A recipient without a usable address
    gets no message (logged, not an error). With `dedupe_key`, the same key again returns
    the message queued the first time instead of a second one. `attachments` (the
    request's `Attachment`s) go with emails; SMS and WeChat carry the text only.
    """
    if event not in Event.values:
        raise ValueError(f"unknown notification event {event!r}")
    if channel is not None and channel not in Channel.values:
        raise ValueError(f"unknown notification channel {channel!r}")
    from aftersales.accounts.models import User

    recipients = _recipients(event, request, customer, user)
    queued = []
    for recipient in recipients:
        key = dedupe_key
        if key and len(recipients) > 1:
            key = f"{dedupe_key}|{_recipient_key(recipient)}"
        # A repeated key is found by the unique constraint (see `_queue_one`): most keys
        # are new, and asking first would cost every message a query.
        message = _queue_one(
            event, recipient, request, customer, context or {}, channel, key, User, attachments
        )
        if message is not None:
            queued.append(message)
    return queued


def _queue_one(
    event, recipient, request, customer, context, channel, key, user_model, attachments=()
):
    where = _address(recipient, channel)
    if where is None:
        log.info(
            "No %s address for %s %s: %s message not queued",
            channel or "usable",
            type(recipient).__name__,
            recipient.pk,
            event,
        )
        return None
    channel, to_address = where
    language = _language_of(recipient)
    template = _template_for(event, channel, language)
    if template is None:
        log.warning(
            "No active %s template for %s: message to %s not queued", channel, event, to_address
        )
        return None
    is_user = isinstance(recipient, user_model)
    variables = {
        **_standard_context(request, customer, recipient, staff=is_user),
        **context,
    }
    zone = getattr(recipient, "time_zone", "") or None
    try:
        with translation.override(template.language), timezone.override(zone):
            subject, body = render_message(template.subject, template.body, channel, variables)
    except ValidationError:
        log.exception("Template %s cannot be rendered: %s message not queued", template.pk, event)
        return None
    message = OutboundMessage(
        event=event,
        channel=channel,
        to_address=to_address,
        user=recipient if is_user else None,
        customer=None if is_user else recipient,
        request=request,
        language=template.language,
        subject=subject[:255],
        body=body,
        next_attempt_at=timezone.now(),
        dedupe_key=key or None,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the caller's work intact
            message.save()
    except IntegrityError:
        if key:
            existing = OutboundMessage.objects.filter(dedupe_key=key).first()
            if existing is not None:
                return existing
        raise
    if attachments and channel == Channel.EMAIL:
        message.attachments.set(attachments)
    _enqueue_delivery(message.pk)
    return message


def _enqueue_delivery(message_id: int) -> None:
    """Have the message sent once the transaction commits: by a Celery worker, by this
    process's deliverer thread (in batches, see `deliverer`), or at once (commands, tests)."""
    if background.mode() == background.THREAD:
        transaction.on_commit(deliverer.wake)
        return
    from aftersales.notifications.tasks import deliver_message

    enqueue(deliver_message, message_id)


# --- Delivery -----------------------------------------------------------------------------


def _due(now) -> Q:
    """Queued messages whose time has come, and sending ones whose claim ran out."""
    return Q(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now)


@contextlib.contextmanager
def _bookkeeping():
    """One transaction for a delivery's own rows, committed without waiting for the disk.

    The message itself was committed durably with the change that caused it; these rows
    only say how far its delivery got. Should the database crash within the moment an
    asynchronous commit takes, a message may be sent once more with the same Message-ID,
    as after a worker crash — and the outbox does not cost every change three more disk
    flushes (PostgreSQL's synchronous_commit; other databases commit as usual).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claim(message_id: int) -> OutboundMessage | None:
    """Take the message for this worker if it is due; None if it is not (sent, cancelled,
    not yet due, or another worker took it first)."""
    now = timezone.now()
    message = OutboundMessage.objects.filter(_due(now), pk=message_id).first()
    if message is None:
        return None
    # The status and attempt count are the version: of two workers reading the same row,
    # only the first UPDATE matches it.
    taken = OutboundMessage.objects.filter(
        _due(now), pk=message.pk, status=message.status, attempts=message.attempts
    ).update(
        status=Status.SENDING,
        attempts=message.attempts + 1,
        next_attempt_at=now + sending_timeout(),
    )
    if not taken:
        return None
    _note_interrupted([message])
    _mark_taken(message, now)
    return message


def _claim_due(limit: int) -> list[OutboundMessage]:
    """Take up to `limit` due messages, oldest first, with one UPDATE.

    The rows are locked while they are taken (PostgreSQL skips rows another worker is
    taking at the same moment; SQLite has one writer anyway), so no message is taken
    twice; afterwards they are `sending` with a claim in the future, i.e. no longer due.
    """
    now = timezone.now()
    rows = OutboundMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    messages = list(rows.select_related("request")[:limit])
    if not messages:
        return []
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + sending_timeout(),
    )
    _note_interrupted(messages)
    for message in messages:
        _mark_taken(message, now)
    return messages


def _note_interrupted(messages) -> None:
    """A message still `sending` when taken was left half-way by a worker that died."""
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            message=message,
            kind=DeliveryEvent.Kind.INTERRUPTED,
            attempt=message.attempts,
            error="The worker sending it stopped before reporting a result.",
        )
        for message in messages
        if message.status == Status.SENDING
    )


def _mark_taken(message: OutboundMessage, now) -> None:
    message.status = Status.SENDING
    message.attempts += 1
    message.next_attempt_at = now + sending_timeout()


def _send(message: OutboundMessage) -> tuple[str, str, dict]:
    """Send a claimed message (outside any transaction): its outcome as
    (delivery event kind, error, the message's fields to record)."""
    try:
        provider_id = adapter_for(message.channel).send(message)
    except PermanentFailure as error:
        return (
            DeliveryEvent.Kind.FAILED,
            str(error),
            {"status": Status.FAILED, "last_error": str(error)[:2000], "next_attempt_at": None},
        )
    except Exception as error:  # noqa: BLE001 - any other trouble is worth another try
        if not isinstance(error, TemporaryFailure):
            log.exception("Sending message %s failed unexpectedly", message.pk)
        text = str(error) or type(error).__name__
        if message.attempts >= max_attempts():
            fields = {"status": Status.FAILED, "next_attempt_at": None}
            kind = DeliveryEvent.Kind.FAILED
        else:
            fields = {
                "status": Status.QUEUED,
                "next_attempt_at": timezone.now() + backoff(message.attempts),
            }
            kind = DeliveryEvent.Kind.RETRY
        return kind, text, {**fields, "last_error": text[:2000]}
    return (
        DeliveryEvent.Kind.SENT,
        "",
        {
            "status": Status.SENT,
            "sent_at": timezone.now(),
            "provider_id": (provider_id or "")[:255],
            "next_attempt_at": None,
        },
    )


def _still_ours(message: OutboundMessage) -> Q:
    # Unless its claim ran out and another worker took it over meanwhile.
    return Q(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def _record(message: OutboundMessage, kind: str, error: str = "", **fields) -> None:
    with _bookkeeping():
        _record_one(message, kind, error, fields)


def _record_one(message: OutboundMessage, kind: str, error: str, fields: dict) -> None:
    if not OutboundMessage.objects.filter(_still_ours(message)).update(**fields):
        log.warning("Message %s was taken over by another worker before its result", message.pk)
    for name, value in fields.items():
        setattr(message, name, value)
    DeliveryEvent.objects.create(message=message, kind=kind, attempt=message.attempts, error=error)


def _record_all(outcomes: list[tuple[OutboundMessage, str, str, dict]]) -> None:
    """Record the outcomes of a batch in one transaction: the sent ones (nearly all) with
    one UPDATE, the others one by one, and all their delivery events in one INSERT."""
    sent = [(m, fields) for m, kind, _error, fields in outcomes if kind == DeliveryEvent.Kind.SENT]
    with _bookkeeping():
        if sent:
            now = sent[0][1]["sent_at"]
            mine = Q()
            for message, _fields in sent:
                mine |= _still_ours(message)
            changed = OutboundMessage.objects.filter(mine).update(
                status=Status.SENT,
                sent_at=now,
                next_attempt_at=None,
                provider_id=Case(
                    *(When(pk=m.pk, then=Value(fields["provider_id"])) for m, fields in sent),
                    default=F("provider_id"),
                ),
            )
            if changed != len(sent):
                log.warning("%s sent messages were taken over meanwhile", len(sent) - changed)
            for message, fields in sent:
                message.status, message.sent_at, message.next_attempt_at = Status.SENT, now, None
                message.provider_id = fields["provider_id"]
        for message, kind, _error, fields in outcomes:
            if kind != DeliveryEvent.Kind.SENT:
                OutboundMessage.objects.filter(_still_ours(message)).update(**fields)
                for name, value in fields.items():
                    setattr(message, name, value)
        DeliveryEvent.objects.bulk_create(
            DeliveryEvent(message=message, kind=kind, attempt=message.attempts, error=error)
            for message, kind, error, _fields in outcomes
        )


def deliver(message_id: int) -> OutboundMessage | None:
    """Send one message if it is due and nobody else is sending it; record the outcome.

    Safe to call any number of times, from any number of workers: a message is sent once.
    Returns the message as it is now (None if there is no such message).
    """
    with _bookkeeping():
        message = _claim(message_id)
    if message is None:
        return OutboundMessage.objects.filter(pk=message_id).first()
    kind, error, fields = _send(message)
    _record(message, kind, error, **fields)
    return message


def deliver_batch(limit: int = 100) -> list[OutboundMessage]:
    """Send up to `limit` due messages, oldest first: one claim for all of them, then one
    transaction for all their outcomes (instead of two or three per message). Safe next to
    any number of other workers doing the same. Returns the messages as they are now."""
    with _bookkeeping():
        messages = _claim_due(limit)
    if not messages:
        return []
    outcomes = [(message, *_send(message)) for message in messages]
    _record_all(outcomes)
    return messages


def deliver_due(limit: int = 100) -> dict[str, int]:
    """The periodic sweep: deliver up to `limit` due messages (queued ones whose time has
    come and sending ones whose worker died), oldest first. Returns counts by outcome."""
    counts: dict[str, int] = {}
    for message in deliver_batch(limit):
        counts[message.status] = counts.get(message.status, 0) + 1
    return counts


# --- Managers' actions --------------------------------------------------------------------


def check_retry(message: OutboundMessage) -> None:
    if message.status == Status.SENT:
        raise Conflict(_("This message was sent already; it is not sent twice."))
    if message.status == Status.SENDING:
        raise Conflict(_("This message is being sent right now."))
    if message.status == Status.CANCELLED:
        raise Conflict(_("This message was cancelled."))


@transaction.atomic
def retry_now(message: OutboundMessage, actor) -> OutboundMessage:
    """Send a failed or waiting message as soon as possible. A message that had given up
    gets a fresh round of attempts."""
    check_manage(actor)
    check_retry(message)
    now = timezone.now()
    changes = {"status": Status.QUEUED, "next_attempt_at": now}
    if message.status == Status.FAILED:
        changes["attempts"] = 0
    changed = OutboundMessage.objects.filter(
        pk=message.pk, status=message.status, attempts=message.attempts
    ).update(**changes)
    if not changed:
        raise Conflict(_("The message changed meanwhile; reload the page and look again."))
    DeliveryEvent.objects.create(
        message=message,
        kind=DeliveryEvent.Kind.RETRY_REQUESTED,
        attempt=message.attempts,
        actor=actor,
    )
    for name, value in changes.items():
        setattr(message, name, value)
    _enqueue_delivery(message.pk)
    return message


def check_cancel(message: OutboundMessage) -> None:
    if message.status == Status.SENT:
        raise Conflict(_("This message was sent already and cannot be called back."))
    if message.status == Status.SENDING:
        raise Conflict(_("This message is being sent right now."))
    if message.status == Status.CANCELLED:
        raise Conflict(_("This message was cancelled already."))


@transaction.atomic
def cancel(message: OutboundMessage, actor) -> OutboundMessage:
    """Do not send a queued or failed message."""
    check_manage(actor)
    check_cancel(message)
    changed = OutboundMessage.objects.filter(
        pk=message.pk, status=message.status, attempts=message.attempts
    ).update(status=Status.CANCELLED, next_attempt_at=None)
    if not changed:
        raise Conflict(_("The message changed meanwhile; reload the page and look again."))
    DeliveryEvent.objects.create(
        message=message, kind=DeliveryEvent.Kind.CANCELLED, attempt=message.attempts, actor=actor
    )
    message.status = Status.CANCELLED
    message.next_attempt_at = None
    return message


# --- Bounces --------------------------------------------------------------------------------


@transaction.atomic
def record_bounce(message: OutboundMessage, reason: str) -> OutboundMessage:
    """A mail server reported later that an email we sent did not arrive (a bounce, read
    by the inbox): the message is marked failed with the reason, so staff see that the
    address does not work. Nothing is sent again."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    error = f"Bounced: {reason}" if reason else "Bounced"
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, last_error=error[:2000], next_attempt_at=None
    )
    DeliveryEvent.objects.create(
        message=message, kind=DeliveryEvent.Kind.FAILED, attempt=message.attempts, error=error
    )
    message.status, message.last_error, message.next_attempt_at = Status.FAILED, error, None
    return message
