"""Against the local Mosquitto: what a unit publishes reaches the rules, once.

The subscriber's network thread runs in the background; the test thread calls `drain()`,
so every database write happens here (SQLite's in-memory test database needs that)."""

import datetime
import json
import socket
import subprocess
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
import time_machine

from aftersales.iot.models import Alarm, Telemetry
from aftersales.iot.subscriber import Subscriber, broker_from_url, wait_until
from aftersales.service.choices import Channel
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import MonitorRuleFactory, UnitFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
HOST, PORT = "127.0.0.1", 1883


def _listening() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def broker():
    """The local Mosquitto, started if it is not running."""
    if not _listening():
        subprocess.run(["mosquitto", "-d", "-c", "/etc/mosquitto/mosquitto.conf"], check=False)
        if not wait_until(_listening, timeout=5):
            pytest.skip("no MQTT broker on 127.0.0.1:1883")
    return f"mqtt://{HOST}:{PORT}"


@pytest.fixture
def prefix():
    """Topics of this test only, so that parallel runs and the benchmark do not mix."""
    return f"test-{uuid.uuid4().hex[:8]}/units"


@pytest.fixture
def client_id():
    """A persistent session for this test, forgotten by the broker afterwards."""
    name = f"aftersales-test-{uuid.uuid4().hex[:8]}"
    yield name
    forget = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, clean_session=True)
    forget.connect(HOST, PORT)
    forget.disconnect()


@pytest.fixture
def publisher(broker):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"unit-{uuid.uuid4().hex}")
    client.connect(HOST, PORT)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def publish(client, topic, body):
    payload = body if isinstance(body, bytes) else json.dumps(body)
    client.publish(topic, payload, qos=1).wait_for_publish(timeout=5)


def started(broker, client_id, prefix) -> Subscriber:
    subscriber = Subscriber(url=broker, client_id=client_id, prefix=prefix, batch_size=50)
    subscriber.start()
    assert subscriber.subscribed.wait(5), "no subscription"
    return subscriber


def store_until(subscriber, check, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        subscriber.drain(wait=0.05)
        if check():
            return True
    return False


def reading(minute, temperature):
    at = START + datetime.timedelta(minutes=minute)
    return {"at": at.isoformat(), "metrics": {"temperature": temperature, "run_hours": 1200}}


@pytest.fixture(autouse=True)
def _now():
    # Time moves (the MQTT keepalive needs it) but starts after the readings' times.
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=True):
        yield


def test_broker_url():
    assert broker_from_url("mqtt://iot:s%40cret@broker.example:1884").password == "s@cret"
    assert broker_from_url("mqtts://broker.example").port == 8883


def test_over_temperature_for_the_duration_opens_exactly_one_request(
    broker, client_id, prefix, publisher
):
    unit = UnitFactory()
    MonitorRuleFactory(product=unit.product, name="Over temperature", threshold=80, minutes=10)
    subscriber = started(broker, client_id, prefix)
    try:
        topic = f"{prefix}/{unit.serial_number}"
        for minute in range(0, 16):  # one message a minute, over 80 from minute 0
            publish(publisher, topic, reading(minute, 85))
        publish(publisher, topic, reading(16, 85))  # QoS 1 redelivered: the same message
        publish(publisher, topic, reading(16, 85))
        assert store_until(subscriber, lambda: Telemetry.objects.filter(unit=unit).count() == 17)
    finally:
        subscriber.stop()
    requests = ServiceRequest.objects.filter(unit=unit, channel=Channel.IOT)
    assert requests.count() == 1
    assert Alarm.objects.get(unit=unit).request == requests.get()


def test_a_bad_message_does_not_stop_the_subscriber(broker, client_id, prefix, publisher):
    unit = UnitFactory()
    subscriber = started(broker, client_id, prefix)
    try:
        publish(publisher, f"{prefix}/{unit.serial_number}", b"\xff not json")
        publish(publisher, f"{prefix}/UNKNOWN-SERIAL", reading(0, 20))
        publish(publisher, f"{prefix}/{unit.serial_number}", reading(1, 20))
        assert store_until(subscriber, lambda: Telemetry.objects.filter(unit=unit).exists())
    finally:
        subscriber.stop()
    assert Telemetry.objects.filter(unit=unit).count() == 1


def test_messages_published_while_away_arrive_on_return(broker, client_id, prefix, publisher):
    """The persistent session: what a broker restart or our own restart must not lose."""
    unit = UnitFactory()
    first = started(broker, client_id, prefix)
    first.stop()  # away; the broker keeps the subscription and queues QoS 1 messages
    for minute in range(3):
        publish(publisher, f"{prefix}/{unit.serial_number}", reading(minute, 30 + minute))
    back = Subscriber(url=broker, client_id=client_id, prefix=prefix)
    back.start()
    try:
        assert store_until(back, lambda: Telemetry.objects.filter(unit=unit).count() == 3)
    finally:
        back.stop()
    assert sorted(Telemetry.objects.values_list("metrics__temperature", flat=True)) == [30, 31, 32]


def test_a_message_not_stored_is_sent_again(broker, client_id, prefix, publisher, monkeypatch):
    """Acknowledged only once stored: a subscriber that dies before storing loses nothing."""
    unit = UnitFactory()
    first = started(broker, client_id, prefix)
    publish(publisher, f"{prefix}/{unit.serial_number}", reading(0, 42))
    assert wait_until(lambda: not first.queue.empty(), timeout=5)
    first.client.disconnect()  # dies with the message in its queue, unacknowledged
    first.client.loop_stop()
    back = started(broker, client_id, prefix)
    try:
        assert store_until(back, lambda: Telemetry.objects.filter(unit=unit).exists())
    finally:
        back.stop()


def test_a_broker_that_lost_the_session_gets_the_subscription_again(
    broker, client_id, prefix, publisher
):
    """A broker restarted without its state: our connection drops, paho reconnects by
    itself and `on_connect` subscribes again. (Taken over here by a clean session with our
    client id, which drops our connection and wipes the session as such a restart would.)"""
    unit = UnitFactory()
    subscriber = started(broker, client_id, prefix)
    try:
        intruder = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
        )
        intruder.connect(HOST, PORT)
        intruder.loop(timeout=0.5)
        intruder.disconnect()
        assert wait_until(lambda: not subscriber.subscribed.is_set(), timeout=5)
        assert subscriber.subscribed.wait(10), "not subscribed again"
        publish(publisher, f"{prefix}/{unit.serial_number}", reading(0, 55))
        assert store_until(subscriber, lambda: Telemetry.objects.filter(unit=unit).exists())
    finally:
        subscriber.stop()
