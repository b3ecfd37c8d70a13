"""Remote monitoring use cases: take in what units report, keep their last state, and
act on the monitoring rules.

- `ingest_many(messages)` stores a batch of MQTT (or HTTP) messages in a fixed number of
  queries: the units by serial, the readings in one INSERT (a reading delivered twice is
  one row), the units' states read under a row lock and written back at once; then the
  threshold and error-code rules of the units' models are evaluated on the newest
  reading of each unit. A bad message (unknown serial, not JSON, a metric that is not a
  number) is logged and counted in `STATS`, never raised: the subscriber must go on.
- A rule "for N minutes" holds when the condition was true in every message since the
  first one that met it; that moment is kept per unit and rule in `UnitState.conditions`,
  so no reading is scanned again. A message where it is false clears it.
- `raise_alarm` opens one `Alarm` per unit and rule (a conditional unique constraint),
  in the same transaction as the request it opens or the maintenance it schedules; while
  it is open, more bad readings do nothing. It clears when its request is done
  (`receivers.request_done`), so the next hit opens a new request.
- `watch_silence(now)` (task `watch_units`, every minute) fires the silence rules.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import signed_in
from aftersales.assets.models import Unit, normalize_serial
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.iot.models import (
    THRESHOLD_KINDS,
    Alarm,
    MonitorRule,
    RuleAction,
    RuleKind,
    Telemetry,
    UnitState,
)
from aftersales.notifications.services import notify
from aftersales.service.choices import DONE_STATUSES, EventKind, Kind, Visibility
from aftersales.service.choices import Channel as RequestChannel
from aftersales.service.models import TimelineEvent

log = logging.getLogger(__name__)

# Counters of this process since it started: "stored", "duplicate" and "rejected:<why>".
STATS: Counter = Counter()
# A unit's clock may run a little ahead of ours; further ahead is a wrong clock.
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_CODES = 20
WATCH_BATCH = 500


# --- Who may do what --------------------------------------------------------------------


def can_read(user) -> bool:
    """The monitoring pages: the back office (administrators, managers, agents, dispatchers)."""
    return signed_in(user) and user.is_back_office


def can_manage(user) -> bool:
    return signed_in(user) and user.is_manager


def can_see_readings(user) -> bool:
    """The panel on a unit's page: all staff who may see the unit (technicians too)."""
    return signed_in(user) and user.may_use_staff_ui


def check_manage(actor) -> None:
    """`actor` None is the system itself (a data migration, a test)."""
    if actor is not None and not can_manage(actor):
        raise NotAllowed(_("Only administrators and service managers may change monitoring rules."))


# --- Rules ------------------------------------------------------------------------------


def check_rule(rule: MonitorRule) -> None:
    """A rule says what it watches: a metric and threshold, a code, or a silence time."""
    rule.name = (rule.name or "").strip()
    rule.metric = (rule.metric or "").strip()
    rule.code = (rule.code or "").strip().upper()
    if not rule.name:
        raise DomainError(_("Give the rule a name."), field="name")
    if rule.kind in THRESHOLD_KINDS:
        if not rule.metric:
            raise DomainError(_("Name the metric this rule watches."), field="metric")
        if rule.threshold is None or not math.isfinite(rule.threshold):
            raise DomainError(_("Give the threshold as a number."), field="threshold")
        rule.code = ""
    elif rule.kind == RuleKind.CODE:
        if not rule.code:
            raise DomainError(_("Name the error code this rule watches."), field="code")
        rule.metric, rule.threshold = "", None
    elif rule.kind == RuleKind.SILENCE:
        if not rule.minutes:
            raise DomainError(
                _("Say after how many minutes without a message the unit counts as silent."),
                field="minutes",
            )
        rule.metric, rule.threshold, rule.code = "", None, ""


@transaction.atomic
def save_rule(rule: MonitorRule, *, actor) -> MonitorRule:
    check_manage(actor)
    check_rule(rule)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def deactivate_rule(rule: MonitorRule, *, actor) -> MonitorRule:
    """A rule switched off fires no more; its open alarms and requests stay as they are."""
    check_manage(actor)
    rule.active = False
    rule.save(update_fields=["active", "updated_at"])
    return rule


# --- Parsing a message ------------------------------------------------------------------


class BadMessage(ValueError):
    """A message that cannot be stored; its text says why (for the log and the API)."""


@dataclass
class Reading:
    unit: Unit
    at: datetime.datetime
    metrics: dict
    codes: list
    received_at: datetime.datetime


@dataclass
class IngestResult:
    stored: int = 0
    rejected: list = field(default_factory=list)  # (serial, reason)
    alarms: list = field(default_factory=list)


def _number(name, value) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadMessage(f"metric {name!r} is not a number")
    return value


def _moment(raw, received_at: datetime.datetime) -> datetime.datetime:
    if raw is None:
        return received_at
    try:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            at = datetime.datetime.fromtimestamp(raw, tz=datetime.UTC)
        else:
            at = datetime.datetime.fromisoformat(str(raw))
    except (ValueError, OverflowError, OSError) as error:
        raise BadMessage("'at' is not an ISO 8601 time") from error
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > received_at + CLOCK_SKEW:
        raise BadMessage("'at' is in the future")
    return at


def parse(payload, received_at: datetime.datetime) -> tuple[datetime.datetime, dict, list]:
    """(at, metrics, codes) of a message body (JSON bytes, text or an already decoded dict)."""
    if isinstance(payload, bytes | bytearray | str):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadMessage("not JSON") from error
    if not isinstance(payload, dict):
        raise BadMessage("not a JSON object")
    metrics = payload.get("metrics") or {}
    codes = payload.get("codes") or []
    if not isinstance(metrics, dict):
        raise BadMessage("'metrics' is not an object")
    if not isinstance(codes, list) or len(codes) > MAX_CODES:
        raise BadMessage("'codes' is not a short list")
    metrics = {str(name)[:64]: _number(name, value) for name, value in metrics.items()}
    codes = [str(code).strip().upper()[:32] for code in codes if str(code).strip()]
    return _moment(payload.get("at"), received_at), metrics, codes


def _reject(result: IngestResult, serial: str, reason: str) -> None:
    STATS[f"rejected:{reason.split(' ', 1)[0]}"] += 1
    log.warning("IoT message from %r not stored: %s", serial, reason)
    result.rejected.append((serial, reason))


def _readings(messages, result: IngestResult) -> list[Reading]:
    """The messages that can be stored, one per unit and time, with their units (one query)."""
    now = timezone.now()
    parsed = []
    for serial, payload, received_at in messages:
        serial = normalize_serial(str(serial or ""))
        received_at = received_at or now
        try:
            parsed.append((serial, *parse(payload, received_at), received_at))
        except BadMessage as error:
            _reject(result, serial, str(error))
    serials = {p[0] for p in parsed}
    units = {
        u.serial_number: u
        for u in Unit.objects.filter(serial_number__in=serials).only(
            "id", "serial_number", "product_id", "customer_id"
        )
    }
    readings, seen = [], set()
    for serial, at, metrics, codes, received_at in parsed:
        unit = units.get(serial)
        if unit is None:
            _reject(result, serial, "unknown serial number")
        elif (unit.pk, at) not in seen:
            seen.add((unit.pk, at))
            readings.append(Reading(unit, at, metrics, codes, received_at))
    return readings


# --- Ingesting --------------------------------------------------------------------------


def ingest(serial: str, payload, received_at: datetime.datetime | None = None) -> IngestResult:
    """Store one message from unit `serial` (see `ingest_many`)."""
    return ingest_many([(serial, payload, received_at)])


def ingest_many(messages: Iterable[tuple]) -> IngestResult:
    """Store `(serial, payload, received_at or None)` messages and act on the rules.

    The readings and states are written in one transaction; alarms are raised after it,
    each in its own (a failing request creation must not lose the readings, and the
    condition kept in the state fires it again on the next message)."""
    result = IngestResult()
    readings = _readings(list(messages), result)
    if not readings:
        return result
    with transaction.atomic():
        Telemetry.objects.bulk_create(
            [
                Telemetry(
                    unit_id=r.unit.pk,
                    at=r.at,
                    metrics=r.metrics,
                    codes=r.codes,
                    received_at=r.received_at,
                )
                for r in readings
            ],
            ignore_conflicts=True,
        )
        states = _states_of({r.unit.pk for r in readings})
        newest = _move_states(readings, states)
        hits = _evaluate(newest)
        _save_states({state.unit_id: state for _reading, state in newest})
    result.stored = len(readings)
    STATS["stored"] += len(readings)
    for reading, rule, since in _not_yet_raised(hits):
        try:
            alarm = raise_alarm(reading.unit, rule, at=reading.at, since=since, reading=reading)
        except Exception:  # noqa: BLE001 - one failing action must not stop the subscriber
            log.exception("IoT rule %s for unit %s failed", rule.pk, reading.unit.pk)
            continue
        if alarm is not None:
            result.alarms.append(alarm)
    return result


def _states_of(unit_ids: set[int]) -> dict[int, UnitState]:
    """The units' states under a row lock (a concurrent HTTP ingest waits for this one)."""
    return {
        s.unit_id: s for s in UnitState.objects.select_for_update().filter(unit_id__in=unit_ids)
    }


def _move_states(readings: list[Reading], states: dict) -> list[tuple[Reading, UnitState]]:
    """Move each unit's state to its newest reading; returns the readings that were newer
    than what the state knew (an older or repeated message changes nothing)."""
    newest = []
    now = timezone.now()
    for reading in sorted(readings, key=lambda r: r.at):
        state = states.get(reading.unit.pk)
        if state is None:
            state = states[reading.unit.pk] = UnitState(
                unit_id=reading.unit.pk, last_seen_at=reading.at, conditions={}
            )
        elif reading.at <= state.last_seen_at:
            continue
        state.last_seen_at = reading.at
        state.metrics = {**(state.metrics or {}), **reading.metrics}
        state.codes = reading.codes
        state.updated_at = now
        newest.append((reading, state))
    return newest


def _save_states(states: dict[int, UnitState]) -> None:
    """Write every state of the batch with one upsert (INSERT … ON CONFLICT (unit) DO
    UPDATE, on SQLite and PostgreSQL): `bulk_update` builds a CASE per row and field and
    cost 85 % of an ingest's time."""
    rows = [
        UnitState(unit_id=unit_id, last_seen_at=s.last_seen_at, metrics=s.metrics,
                  codes=s.codes, conditions=s.conditions, updated_at=s.updated_at)
        for unit_id, s in states.items()
    ]  # fmt: skip
    UnitState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["last_seen_at", "metrics", "codes", "conditions", "updated_at"],
    )


def _rules_for(product_ids) -> dict[int, list[MonitorRule]]:
    """Active reading rules (not silence) of the products, in one query."""
    by_product: dict[int, list[MonitorRule]] = {}
    rules = MonitorRule.objects.filter(active=True, product_id__in=product_ids).exclude(
        kind=RuleKind.SILENCE
    )
    for rule in rules:
        by_product.setdefault(rule.product_id, []).append(rule)
    return by_product


def holds(rule: MonitorRule, reading: Reading) -> bool | None:
    """Whether the reading meets the rule's condition; None when it does not say (the
    metric is not in this message), which neither starts nor breaks the duration."""
    if rule.kind == RuleKind.CODE:
        return rule.code in reading.codes
    value = reading.metrics.get(rule.metric)
    if value is None:
        return None
    return value > rule.threshold if rule.kind == RuleKind.OVER else value < rule.threshold


def _evaluate(newest: list[tuple[Reading, UnitState]]) -> list[tuple]:
    """(reading, rule, since) for every rule whose condition has now held long enough;
    each unit's `conditions` are updated (started, kept or cleared) on the way."""
    if not newest:
        return []
    rules = _rules_for({reading.unit.product_id for reading, _state in newest})
    hits, ended = {}, []
    for reading, state in newest:
        conditions = dict(state.conditions or {})
        for rule in rules.get(reading.unit.product_id, ()):
            held, key = holds(rule, reading), str(rule.pk)
            if held is None:
                continue
            if not held:
                if conditions.pop(key, None) is not None:
                    ended.append((reading.unit.pk, rule))
                continue
            since = (
                datetime.datetime.fromisoformat(conditions[key])
                if key in conditions
                else reading.at
            )
            conditions[key] = since.isoformat()
            if reading.at - since >= datetime.timedelta(minutes=rule.minutes):
                hits.setdefault((reading.unit.pk, rule.pk), (reading, rule, since))
        state.conditions = conditions
    _end_maintenance_alarms(ended)
    return list(hits.values())


def _end_maintenance_alarms(ended: list[tuple[int, MonitorRule]]) -> None:
    """A maintenance alarm has no request to be done with: it ends with its condition."""
    pairs = [(unit_id, rule.pk) for unit_id, rule in ended if rule.action == RuleAction.MAINTENANCE]
    if not pairs:
        return
    which = Q()
    for unit_id, rule_id in pairs:
        which |= Q(unit_id=unit_id, rule_id=rule_id)
    Alarm.objects.filter(which, cleared_at=None, request=None).update(cleared_at=timezone.now())


def _stale(alarm_request_id, request_status, rule: MonitorRule) -> bool:
    """An open alarm that no longer holds the rule back: its request is done (or gone).
    A maintenance alarm without a request ends with its condition instead."""
    if alarm_request_id is None:
        return rule.action == RuleAction.REQUEST
    return request_status in DONE_STATUSES


def _not_yet_raised(hits: list[tuple]) -> list[tuple]:
    """The hits without an open alarm, in one query: a unit that keeps reporting a fault
    after its request was opened costs no more than a healthy one."""
    if not hits:
        return []
    rules = {rule.pk: rule for _reading, rule, _since in hits}
    open_alarms = {
        (unit_id, rule_id)
        for unit_id, rule_id, request_id, status in Alarm.objects.filter(
            cleared_at=None,
            unit_id__in={reading.unit.pk for reading, _rule, _since in hits},
            rule_id__in=rules,
        ).values_list("unit_id", "rule_id", "request_id", "request__status")
        if not _stale(request_id, status, rules[rule_id])
    }
    return [hit for hit in hits if (hit[0].unit.pk, hit[1].pk) not in open_alarms]


# --- Alarms -----------------------------------------------------------------------------


def _describe_values(metrics: dict, codes: list) -> str:
    parts = [f"{name} = {value}" for name, value in sorted(metrics.items())]
    if codes:
        parts.append(_("codes: %(codes)s") % {"codes": ", ".join(codes)})
    return "; ".join(parts) or "—"


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def describe(rule: MonitorRule, unit: Unit, *, at, since, metrics: dict, codes: list) -> str:
    """What the rule saw, for the request's description and the timeline."""
    if rule.kind == RuleKind.SILENCE:
        what = _("No message from the unit since %(since)s (rule: %(minutes)s minutes).") % {
            "since": _local(since),
            "minutes": rule.minutes,
        }
    elif rule.kind == RuleKind.CODE:
        what = _("The unit reported error code %(code)s since %(since)s.") % {
            "code": rule.code,
            "since": _local(since),
        }
    else:
        what = _(
            "%(metric)s %(kind)s %(threshold)s since %(since)s (rule: %(minutes)s minutes)."
        ) % {
            "metric": rule.metric,
            "kind": ">" if rule.kind == RuleKind.OVER else "<",
            "threshold": f"{rule.threshold:g}",
            "since": _local(since),
            "minutes": rule.minutes,
        }
    last = _("Last reading at %(at)s: %(values)s") % {
        "at": _local(at),
        "values": _describe_values(metrics, codes),
    }
    # Outside the f-string: xgettext does not find messages inside one.
    header = _("Remote monitoring, rule %(rule)s") % {"rule": rule.name}
    return f"{header}\n{what}\n{last}"


def raise_alarm(
    unit: Unit,
    rule: MonitorRule,
    *,
    at,
    since,
    reading: Reading | None = None,
    metrics: dict | None = None,
    codes: list | None = None,
) -> Alarm | None:
    """Fire `rule` for `unit` once: an open alarm and its request or maintenance, in one
    transaction. None when an open alarm already holds the rule back (also when a
    concurrent message won the race: the unique constraint refuses the second alarm and
    its savepoint takes back everything this call did)."""
    metrics = reading.metrics if reading is not None else (metrics or {})
    codes = reading.codes if reading is not None else (codes or [])
    now = timezone.now()
    # The request, its description and timeline are written for the staff, in the
    # service's language, whatever language the caller (a worker, a request) had active.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        unit = Unit.objects.select_related("customer", "product").get(pk=unit.pk)
        current = (
            Alarm.objects.filter(unit=unit, rule=rule, cleared_at=None)
            .select_related("request")
            .first()
        )
        if current is not None:
            status = current.request.status if current.request_id else None
            if not _stale(current.request_id, status, rule):
                return None
            Alarm.objects.filter(pk=current.pk).update(cleared_at=now)
        text = describe(rule, unit, at=at, since=since, metrics=metrics, codes=codes)
        try:
            with transaction.atomic():
                alarm = Alarm.objects.create(
                    unit=unit, rule=rule, raised_at=now, since=since,
                    readings={"at": at.isoformat(), "metrics": metrics, "codes": codes},
                )  # fmt: skip
                _act(alarm, text)
        except IntegrityError:
            log.info("IoT rule %s for unit %s already raised by another message", rule.pk, unit.pk)
            return None
    STATS["alarms"] += 1
    return alarm


def _act(alarm: Alarm, text: str) -> None:
    if alarm.rule.action == RuleAction.MAINTENANCE:
        _schedule_maintenance(alarm, text)
    else:
        _open_request(alarm, text)


def _open_request(alarm: Alarm, text: str) -> None:
    from aftersales.service.services import create_request

    unit, rule = alarm.unit, alarm.rule
    request = create_request(
        actor=None,
        customer=unit.customer,
        unit=unit,
        channel=RequestChannel.IOT,
        kind=Kind.REPAIR,
        priority=rule.priority,
        subject=(
            _("%(rule)s on unit %(serial)s") % {"rule": rule.name, "serial": unit.serial_number}
        )[:200],
        description=text,
    )
    alarm.request = request
    alarm.save(update_fields=["request"])
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.COMMENT,
        visibility=Visibility.INTERNAL,
        body=_("Alarm raised by remote monitoring.") + "\n" + text,
        data={"iot_alarm": alarm.pk, "rule": rule.pk, "readings": alarm.readings},
        created_at=alarm.raised_at,
    )
    if rule.tell_customer:
        _tell_customer_on_request(alarm, request)


def _customer_words(alarm: Alarm) -> str:
    """In the customer's language (the request's own texts are in the service's)."""
    with translation.override(alarm.unit.customer.language or settings.LANGUAGE_CODE):
        return _(
            "Our remote monitoring noticed a problem with your unit %(serial)s (%(product)s): "
            "%(rule)s. We are taking care of it and will contact you if we need anything."
        ) % {
            "serial": alarm.unit.serial_number,
            "product": alarm.unit.product.name,
            "rule": alarm.rule.name,
        }


def _tell_customer_on_request(alarm: Alarm, request) -> None:
    """A message to the customer on the request (the portal shows it on the timeline)."""
    words = _customer_words(alarm)
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.COMMENT,
        visibility=Visibility.PUBLIC,
        body=words,
        data={"iot_alarm": alarm.pk},
        created_at=alarm.raised_at,
    )
    notify(
        "device_alarm",
        request=request,
        context=_alarm_context(alarm, ALARM_NEXT_STEP),
        dedupe_key=f"iot-alarm:{alarm.pk}",
    )


ALARM_NEXT_STEP = gettext_lazy(
    "We are taking care of it and will contact you if a technician needs to come."
)
MAINTENANCE_NEXT_STEP = gettext_lazy(
    "We are arranging a maintenance visit and will contact you to agree on a time."
)


def _alarm_context(alarm: Alarm, next_step) -> dict:
    """The device_alarm message's variables, in the customer's language."""
    with translation.override(alarm.unit.customer.language or settings.LANGUAGE_CODE):
        return {
            "product": alarm.unit.product.name,
            "serial_number": alarm.unit.serial_number,
            "problem": alarm.rule.name,
            "next_step": str(next_step),
        }


def _schedule_maintenance(alarm: Alarm, text: str) -> None:
    # Imported at call time: maintenance depends on iot (hours of use), not the reverse.
    from aftersales.maintenance.services import schedule_now

    job = schedule_now(alarm.unit, reason=text[:255])
    # The job's request (if it made one) holds the alarm open until it is done.
    if getattr(job, "request_id", None):
        alarm.request_id = job.request_id
        alarm.save(update_fields=["request"])
    if alarm.rule.tell_customer:
        notify(
            "device_alarm",
            request=getattr(job, "request", None),
            customer=alarm.unit.customer,
            context=_alarm_context(alarm, MAINTENANCE_NEXT_STEP),
            dedupe_key=f"iot-alarm:{alarm.pk}",
        )


def clear_for_request(request, at=None) -> int:
    """The request of these alarms is done: the rule may fire again for its unit."""
    return Alarm.objects.filter(request=request, cleared_at=None).update(
        cleared_at=at or timezone.now()
    )


# --- Silence ----------------------------------------------------------------------------


def watch_silence(now: datetime.datetime | None = None) -> int:
    """Fire every silence rule for the units of its model not heard from for its minutes
    (units that never reported are not monitored). Returns how many alarms were raised."""
    now = now or timezone.now()
    _end_heard_silences()
    raised = 0
    for rule in MonitorRule.objects.filter(active=True, kind=RuleKind.SILENCE):
        open_alarm = Alarm.objects.filter(
            unit_id=OuterRef("unit_id"), rule=rule, cleared_at=None
        ).exclude(request__status__in=DONE_STATUSES)
        silent = (
            UnitState.objects.filter(
                unit__product_id=rule.product_id,
                last_seen_at__lt=now - datetime.timedelta(minutes=rule.minutes),
            )
            .filter(~Exists(open_alarm))
            .select_related("unit")
            .order_by("last_seen_at")[:WATCH_BATCH]
        )
        for state in silent:
            try:
                alarm = raise_alarm(state.unit, rule, at=state.last_seen_at,
                                    since=state.last_seen_at, metrics=state.metrics,
                                    codes=state.codes)  # fmt: skip
            except Exception:  # noqa: BLE001 - one unit must not stop the watch
                log.exception("IoT silence rule %s for unit %s failed", rule.pk, state.unit_id)
                continue
            raised += alarm is not None
    return raised


def _end_heard_silences() -> int:
    """A maintenance silence alarm ends when the unit is heard from again."""
    heard = UnitState.objects.filter(
        unit_id=OuterRef("unit_id"), last_seen_at__gt=OuterRef("raised_at")
    )
    return (
        Alarm.objects.filter(
            cleared_at=None,
            rule__kind=RuleKind.SILENCE,
            rule__action=RuleAction.MAINTENANCE,
            request=None,
        )
        .filter(Exists(heard))
        .update(cleared_at=timezone.now())
    )


# --- Retention --------------------------------------------------------------------------

PRUNE_UNITS = 500


def prune_readings(now: datetime.datetime | None = None) -> int:
    """Delete readings older than `IOT_KEEP_READINGS_DAYS`; returns how many went.

    Unit by unit in chunks, so that every DELETE walks the (unit, at) index the readings
    already have instead of scanning the table (no index on the time alone slows ingest)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IOT_KEEP_READINGS_DAYS)
    unit_ids = list(UnitState.objects.order_by("unit_id").values_list("unit_id", flat=True))
    deleted = 0
    for first in range(0, len(unit_ids), PRUNE_UNITS):
        chunk = unit_ids[first : first + PRUNE_UNITS]
        count, _by_model = Telemetry.objects.filter(unit_id__in=chunk, at__lt=cutoff).delete()
        deleted += count
    return deleted
