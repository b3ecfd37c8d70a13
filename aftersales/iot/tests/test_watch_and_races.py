"""Silence (the periodic watch) and two messages at once."""

import datetime

import pytest
import time_machine

from aftersales.iot import services, tasks
from aftersales.iot.models import Alarm, RuleKind
from aftersales.service.choices import Channel, Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import MonitorRuleFactory, UnitFactory

START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def at(minutes):
    return START + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_a_silent_unit_gets_one_request_from_the_watch(manager):
    from aftersales.service import services as requests

    unit, quiet = UnitFactory(), None
    quiet = UnitFactory(product=unit.product)
    never = UnitFactory(product=unit.product)  # never reported: not monitored
    MonitorRuleFactory(
        product=unit.product,
        name="Silent",
        kind=RuleKind.SILENCE,
        metric="",
        threshold=None,
        minutes=60,
    )
    with time_machine.travel(START, tick=False):
        services.ingest(unit.serial_number, {"metrics": {"temperature": 20}})
        services.ingest(quiet.serial_number, {"metrics": {"temperature": 20}})
    with time_machine.travel(at(50), tick=False):
        services.ingest(quiet.serial_number, {"metrics": {"temperature": 21}})
        assert tasks.watch_units() == 0
    with time_machine.travel(at(61), tick=False):
        assert tasks.watch_units() == 1
        assert tasks.watch_units() == 0  # every minute, still one
    request = ServiceRequest.objects.get(channel=Channel.IOT)
    assert request.unit == unit and "No message from the unit since" in request.description
    assert not ServiceRequest.objects.filter(unit__in=[quiet, never]).exists()
    with time_machine.travel(at(120), tick=False):
        requests.transition(request, actor=manager, to=Status.CANCELLED, note="unplugged")
        assert tasks.watch_units() == 2  # the same unit again, and now the quiet one
    assert ServiceRequest.objects.filter(unit=unit, channel=Channel.IOT).count() == 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_messages_at_once_open_one_request():
    unit = UnitFactory()
    MonitorRuleFactory(product=unit.product, minutes=0)
    with time_machine.travel(at(30), tick=True):
        results = run_together(
            services.ingest,
            [
                (unit.serial_number, {"at": at(m).isoformat(), "metrics": {"temperature": 90 + m}})
                for m in range(4)
            ],
        )
    assert not [r for r in results if isinstance(r, BaseException)]
    assert ServiceRequest.objects.filter(unit=unit, channel=Channel.IOT).count() == 1
    assert Alarm.objects.filter(unit=unit).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_raising_the_same_alarm_at_once_makes_one():
    unit = UnitFactory()
    rule = MonitorRuleFactory(product=unit.product, minutes=0)
    results = run_together(
        lambda: services.raise_alarm(unit, rule, at=at(0), since=at(0), metrics={"t": 1}),
        [() for _ in range(4)],
    )
    assert sum(isinstance(r, Alarm) for r in results) == 1
    assert not [r for r in results if isinstance(r, BaseException)]
    assert ServiceRequest.objects.filter(unit=unit).count() == 1
