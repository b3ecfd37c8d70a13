"""Ingestion and rules, without the broker: what a unit's messages store and open."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from aftersales.iot import services
from aftersales.iot.models import Alarm, RuleAction, RuleKind, Telemetry, UnitState
from aftersales.service.choices import Channel, EventKind, Status, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.testing.factories import MonitorRuleFactory, UnitFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START + datetime.timedelta(hours=2), tick=False):
        yield


@pytest.fixture
def unit():
    return UnitFactory(serial_number="HX2026001")


@pytest.fixture
def rule(unit):
    return MonitorRuleFactory(product=unit.product, name="Over temperature", minutes=10)


def send(serial, minute, **metrics):
    at = START + datetime.timedelta(minutes=minute)
    body = {"at": at.isoformat(), "metrics": metrics}
    return services.ingest(serial, json.dumps(body).encode())


def iot_requests(unit):
    return ServiceRequest.objects.filter(unit=unit, channel=Channel.IOT)


def test_a_message_is_stored_and_the_state_kept(unit):
    payload = {
        "at": "2026-11-24T18:00:00+08:00",
        "metrics": {"temperature": 71.5, "run_hours": 1200},
        "codes": ["e23"],
    }
    result = services.ingest(" hx2026001 ", json.dumps(payload).encode())
    assert result.stored == 1 and not result.rejected
    reading = Telemetry.objects.get(unit=unit)
    assert reading.at == START
    assert reading.metrics == {"temperature": 71.5, "run_hours": 1200}
    assert reading.codes == ["E23"]
    state = UnitState.objects.get(unit=unit)
    assert state.last_seen_at == START and state.metrics["run_hours"] == 1200


def test_at_defaults_to_the_time_received(unit):
    services.ingest(unit.serial_number, {"metrics": {"temperature": 20}})
    assert Telemetry.objects.get(unit=unit).at == timezone.now()


def test_the_same_message_twice_is_one_reading(unit):
    send(unit.serial_number, 0, temperature=50)
    send(unit.serial_number, 0, temperature=50)
    assert Telemetry.objects.filter(unit=unit).count() == 1


def test_an_older_message_does_not_move_the_state_back(unit):
    send(unit.serial_number, 5, temperature=60, run_hours=10)
    send(unit.serial_number, 1, temperature=40)
    state = UnitState.objects.get(unit=unit)
    assert state.metrics == {"temperature": 60, "run_hours": 10}
    assert Telemetry.objects.filter(unit=unit).count() == 2


@pytest.mark.parametrize(
    ("serial", "payload", "reason"),
    [
        ("NOPE", b'{"metrics": {"temperature": 1}}', "unknown serial number"),
        ("HX2026001", b"{not json", "not JSON"),
        ("HX2026001", b"[1, 2]", "not a JSON object"),
        (
            "HX2026001",
            b'{"metrics": {"temperature": "hot"}}',
            "metric 'temperature' is not a number",
        ),
        (
            "HX2026001",
            b'{"metrics": {"temperature": true}}',
            "metric 'temperature' is not a number",
        ),
        ("HX2026001", b'{"at": "yesterday"}', "'at' is not an ISO 8601 time"),
        ("HX2026001", b'{"at": "2027-01-01T00:00:00Z"}', "'at' is in the future"),
    ],
)
def test_a_bad_message_is_counted_not_stored(unit, serial, payload, reason):
    before = sum(v for k, v in services.STATS.items() if k.startswith("rejected:"))
    result = services.ingest(serial, payload)
    assert result.rejected == [(serial, reason)]
    assert not Telemetry.objects.exists() and not UnitState.objects.exists()
    assert sum(v for k, v in services.STATS.items() if k.startswith("rejected:")) == before + 1


def test_a_bad_message_in_a_batch_does_not_stop_the_others(unit):
    result = services.ingest_many(
        [("HX2026001", b"garbage", None), ("HX2026001", {"metrics": {"temperature": 3}}, None)]
    )
    assert result.stored == 1 and len(result.rejected) == 1


def test_over_temperature_for_the_rule_duration_opens_exactly_one_request(unit, rule):
    for minute in range(0, 30, 2):
        send(unit.serial_number, minute, temperature=85 + minute / 10)
    requests = list(iot_requests(unit))
    assert len(requests) == 1
    request = requests[0]
    assert request.customer == unit.customer and request.status == Status.NEW
    assert "Over temperature" in request.subject and unit.serial_number in request.subject
    assert "temperature > 80 since" in request.description
    alarm = Alarm.objects.get(unit=unit, rule=rule)
    assert alarm.request == request and alarm.cleared_at is None
    assert alarm.since == START
    internal = TimelineEvent.objects.get(request=request, kind=EventKind.COMMENT)
    assert internal.visibility == Visibility.INTERNAL and "temperature = 86.0" in internal.body


def test_shorter_than_the_duration_opens_nothing(unit, rule):
    for minute in range(0, 10, 2):  # 0…8: eight minutes over
        send(unit.serial_number, minute, temperature=90)
    assert not iot_requests(unit).exists()


def test_a_short_dip_resets_the_duration(unit, rule):
    for minute in range(0, 8, 2):
        send(unit.serial_number, minute, temperature=90)
    send(unit.serial_number, 8, temperature=75)  # back under for one message
    for minute in range(10, 20, 2):  # 10…18: eight more minutes over
        send(unit.serial_number, minute, temperature=90)
    assert not iot_requests(unit).exists()
    send(unit.serial_number, 20, temperature=90)  # ten minutes since the dip ended
    assert iot_requests(unit).count() == 1


def test_a_message_without_the_metric_neither_starts_nor_breaks_it(unit, rule):
    send(unit.serial_number, 0, temperature=90)
    send(unit.serial_number, 5, run_hours=3)
    send(unit.serial_number, 10, temperature=91)
    assert iot_requests(unit).count() == 1


def test_a_new_request_only_after_the_first_is_done(unit, rule, manager):
    from aftersales.service import services as requests

    for minute in range(0, 12, 2):
        send(unit.serial_number, minute, temperature=90)
    first = iot_requests(unit).get()
    send(unit.serial_number, 14, temperature=95)
    assert iot_requests(unit).count() == 1
    requests.transition(first, actor=manager, to=Status.CANCELLED, note="checked remotely")
    assert Alarm.objects.get(request=first).cleared_at is not None
    send(unit.serial_number, 20, temperature=70)
    for minute in range(22, 34, 2):
        send(unit.serial_number, minute, temperature=90)
    assert iot_requests(unit).count() == 2
    assert Alarm.objects.filter(unit=unit, cleared_at=None).count() == 1


def test_under_and_code_rules(unit):
    MonitorRuleFactory(
        product=unit.product,
        name="Low pressure",
        kind=RuleKind.UNDER,
        metric="pressure",
        threshold=1.5,
        minutes=0,
    )
    MonitorRuleFactory(
        product=unit.product,
        name="Compressor fault",
        kind=RuleKind.CODE,
        metric="",
        threshold=None,
        code="E23",
        minutes=0,
    )
    send(unit.serial_number, 0, pressure=2.0)
    assert not iot_requests(unit).exists()
    send(unit.serial_number, 1, pressure=1.2)
    services.ingest(
        unit.serial_number,
        {"at": (START + datetime.timedelta(minutes=2)).isoformat(), "codes": ["E23"]},
    )
    subjects = sorted(iot_requests(unit).values_list("subject", flat=True))
    assert [s.split(" on unit")[0] for s in subjects] == ["Compressor fault", "Low pressure"]


def test_rules_of_other_models_and_inactive_rules_do_nothing(unit, rule):
    MonitorRuleFactory(minutes=0)  # another product
    rule.active = False
    rule.save()
    for minute in range(0, 30, 5):
        send(unit.serial_number, minute, temperature=99)
    assert not iot_requests(unit).exists()


def test_telling_the_customer(unit, rule):
    from aftersales.notifications.models import OutboundMessage

    unit.customer.email = "li@example.com"
    unit.customer.save()
    rule.tell_customer, rule.minutes = True, 0
    rule.save()
    send(unit.serial_number, 0, temperature=90)
    request = iot_requests(unit).get()
    public = TimelineEvent.objects.get(
        request=request, visibility=Visibility.PUBLIC, kind=EventKind.COMMENT
    )
    # In the customer's language (the factory's customers speak Chinese).
    assert "远程监控发现您的设备" in public.body
    events = set(OutboundMessage.objects.filter(request=request).values_list("event", flat=True))
    assert "device_alarm" in events


def test_a_batch_takes_few_queries(django_assert_max_num_queries, rule):
    units = UnitFactory.create_batch(20, product=rule.product)
    batch = [
        (
            u.serial_number,
            {
                "at": (START + datetime.timedelta(minutes=m)).isoformat(),
                "metrics": {"temperature": 50 + m},
            },
            None,
        )
        for u in units
        for m in range(5)
    ]
    with django_assert_max_num_queries(8):
        result = services.ingest_many(batch)
    assert result.stored == 100
    assert UnitState.objects.filter(metrics__temperature=54).count() == 20


def test_a_unit_over_for_long_costs_no_more_queries(django_assert_max_num_queries, unit, rule):
    rule.minutes = 0
    rule.save()
    send(unit.serial_number, 0, temperature=99)
    with django_assert_max_num_queries(8):
        send(unit.serial_number, 1, temperature=99)
    assert iot_requests(unit).count() == 1


def test_maintenance_action_schedules_maintenance_once(unit, rule):
    maintenance = pytest.importorskip("aftersales.maintenance.services")
    if not hasattr(maintenance, "schedule_now"):
        pytest.skip("maintenance.services.schedule_now is not there yet")
    from aftersales.maintenance.models import MaintenanceJob

    rule.action, rule.minutes = RuleAction.MAINTENANCE, 0
    rule.save()
    send(unit.serial_number, 0, temperature=99)
    send(unit.serial_number, 1, temperature=99)
    job = MaintenanceJob.objects.get(unit=unit)
    assert "Over temperature" in job.reason
    alarm = Alarm.objects.get(unit=unit, rule=rule)
    assert alarm.request_id == job.request_id and alarm.cleared_at is None
    assert not iot_requests(unit).exclude(pk=job.request_id).exists()


def test_maintenance_with_the_customer_told(unit, rule):
    maintenance = pytest.importorskip("aftersales.maintenance.services")
    if not hasattr(maintenance, "schedule_now"):
        pytest.skip("maintenance.services.schedule_now is not there yet")
    from aftersales.notifications.models import OutboundMessage

    unit.customer.email = "wang@example.com"
    unit.customer.save()
    rule.action, rule.minutes, rule.tell_customer = RuleAction.MAINTENANCE, 0, True
    rule.save()
    send(unit.serial_number, 0, temperature=99)
    told = OutboundMessage.objects.get(event="device_alarm", customer=unit.customer)
    assert unit.serial_number in told.body


def test_old_readings_are_pruned_and_the_state_stays(unit, settings):
    settings.IOT_KEEP_READINGS_DAYS = 30
    other = UnitFactory(serial_number="HX2026002")
    for serial in (unit.serial_number, other.serial_number):
        for days_ago in (45, 31, 29, 1):
            at = START - datetime.timedelta(days=days_ago)
            services.ingest(serial, {"at": at.isoformat(), "metrics": {"temperature": days_ago}})
    assert services.prune_readings(START) == 4
    for each in (unit, other):
        kept = Telemetry.objects.filter(unit=each).order_by("at")
        assert [r.metrics["temperature"] for r in kept] == [29, 1]
        assert UnitState.objects.get(unit=each).metrics["temperature"] == 1
    assert services.prune_readings(START) == 0


def test_the_request_is_in_the_service_language_and_the_customer_told_in_theirs(
    unit, rule, settings
):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"

    unit.customer.language, unit.customer.email = "en", "li@example.com"
    unit.customer.save()
    rule.tell_customer, rule.minutes = True, 0
    rule.save()
    # Whatever the worker had active (the last web request's, say).
    with translation.override("en"):
        send(unit.serial_number, 0, temperature=90)
    request = iot_requests(unit).get()
    assert request.subject == f"设备 {unit.serial_number}：{rule.name}"
    assert "远程监控" in request.description
    public = TimelineEvent.objects.get(
        request=request, visibility=Visibility.PUBLIC, kind=EventKind.COMMENT
    )
    assert public.body.startswith("Our remote monitoring noticed")
