"""Benchmark the MQTT subscriber: sustained readings stored per second from the local broker.

    .venv/bin/python benchmarks/mqtt_ingest.py --messages 20000 --units 2000     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_iot \\
        .venv/bin/python benchmarks/mqtt_ingest.py                               # PostgreSQL

It makes a scratch database next to the configured one (as the other benchmarks do) with
N units of one model and that model's rules (over temperature for 5 minutes, an error
code, under pressure), starts `iot.subscriber.Subscriber` as `manage.py iot_subscribe`
does (persistent session, QoS 1, acknowledged after storing), and publishes the messages
to the local Mosquitto from a second connection: each unit one message a minute
(temperature, pressure, hours of use), 1 % of the units over temperature long enough to
open a request. The publisher keeps at most `--window` messages ahead of what is stored
(Mosquitto drops QoS 1 messages beyond its queue of 1,000 per client), so the figure is
what the subscriber sustains with its input always full. It reports messages stored per
second, the batches it wrote and the process's CPU time per message, and checks that
every reading was stored once and that each hot unit got exactly one request.
"""

import argparse
import datetime
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

import paho.mqtt.client as mqtt  # noqa: E402
from django.db import connection  # noqa: E402

from aftersales.assets.models import Unit  # noqa: E402
from aftersales.catalog.models import Category, Product  # noqa: E402
from aftersales.customers.models import Customer  # noqa: E402
from aftersales.iot import services  # noqa: E402
from aftersales.iot.models import Alarm, MonitorRule, Telemetry  # noqa: E402
from aftersales.iot.subscriber import Subscriber, broker_from_url  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402

START = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--window", type=int, default=800, help="messages in flight at most")
    parser.add_argument("--url", default="mqtt://127.0.0.1:1883")
    return parser.parse_args()


def fill(units: int) -> tuple[list[str], set[str]]:
    """Units of one model, its rules; returns the serials and the hot ones (1 %)."""
    category = Category.objects.create(code="CH", name="冷水机组")
    product = Product.objects.create(sku="LSBLG-500", name="螺杆冷水机组", category=category)
    people = Customer.objects.bulk_create(
        Customer(name=f"客户 {i}", phone=f"1380000{i:04d}") for i in range(units)
    )
    serials = [f"CH{i:07d}" for i in range(units)]
    Unit.objects.bulk_create(
        Unit(serial_number=s, product=product, customer=c)
        for s, c in zip(serials, people, strict=True)
    )
    MonitorRule.objects.create(product=product, name="排气温度过高", kind="over",
                               metric="temperature", threshold=90, minutes=5)  # fmt: skip
    MonitorRule.objects.create(product=product, name="压缩机故障", kind="code", code="E23")
    MonitorRule.objects.create(product=product, name="低压过低", kind="under",
                               metric="pressure", threshold=0.2, minutes=5)  # fmt: skip
    return serials, set(serials[::100])


def payloads(serials, hot, count):
    """Round after round, each unit one message a minute later than its last."""
    for n in range(count):
        serial, minute = serials[n % len(serials)], n // len(serials)
        temperature = 95.0 if serial in hot else 60.0 + (n % 17) / 2
        body = {
            "at": (START + datetime.timedelta(minutes=minute)).isoformat(),
            "metrics": {"temperature": temperature, "pressure": 0.8, "run_hours": 1000 + minute},
        }
        yield serial, json.dumps(body).encode()


def publish(url, prefix, messages, window, stored, done):
    broker = broker_from_url(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4()}")
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    for sent, (serial, body) in enumerate(messages):
        while sent - stored() > window:
            time.sleep(0.002)
        client.publish(f"{prefix}/{serial}", body, qos=1)
    done.set()
    time.sleep(1)
    client.disconnect()
    client.loop_stop()


def database() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def run(args) -> dict:
    serials, hot = fill(args.units)
    prefix = f"bench-{uuid.uuid4().hex[:8]}/units"
    subscriber = Subscriber(url=args.url, client_id=f"bench-{uuid.uuid4().hex[:8]}",
                            prefix=prefix, batch_size=args.batch_size)  # fmt: skip
    subscriber.start()
    assert subscriber.subscribed.wait(10), "no subscription"
    base = services.STATS["stored"]
    stored = lambda: services.STATS["stored"] - base  # noqa: E731
    done = threading.Event()
    publisher = threading.Thread(
        target=publish,
        args=(args.url, prefix, payloads(serials, hot, args.messages), args.window, stored, done),
        daemon=True,
    )
    batches, sizes = 0, []
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    publisher.start()
    first = None
    deadline = time.monotonic() + 600
    while stored() < args.messages and time.monotonic() < deadline:
        taken = subscriber.drain(wait=0.2)
        if taken:
            first = first or time.monotonic()
            batches += 1
            sizes.append(taken)
    elapsed = time.monotonic() - first
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    subscriber.stop()
    forget = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=subscriber.client_id,
                         clean_session=True)  # fmt: skip
    forget.connect(subscriber.broker.host, subscriber.broker.port)
    forget.disconnect()
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return {
        "database": database(),
        "messages": args.messages,
        "units": args.units,
        "stored": Telemetry.objects.count(),
        "seconds": round(elapsed, 2),
        "per_second": round(args.messages / elapsed),
        "batches": batches,
        "mean_batch": round(sum(sizes) / len(sizes), 1),
        "cpu_ms_per_message": round(cpu * 1000 / args.messages, 3),
        "hot_units": len(hot),
        "requests": ServiceRequest.objects.count(),
        "open_alarms": Alarm.objects.filter(cleared_at=None).count(),
        "rejected": sum(v for k, v in services.STATS.items() if k.startswith("rejected:")),
    }


def main():
    args = parse_args()
    scratch = None
    if connection.vendor == "sqlite":
        # A file as in production (WAL), not Django's in-memory test database.
        scratch = str(Path(tempfile.mkdtemp(prefix="aftersales-bench-")) / "db.sqlite3")
        connection.settings_dict["TEST"]["NAME"] = scratch
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        figures = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if scratch:
            shutil.rmtree(Path(scratch).parent, ignore_errors=True)
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    ok = (
        figures["stored"] == args.messages
        and figures["requests"] == figures["hot_units"]
        and not figures["rejected"]
    )
    print("check: every reading stored once, one request per hot unit:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
