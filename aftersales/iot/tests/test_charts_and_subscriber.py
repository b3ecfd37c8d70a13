"""The chart's geometry and the subscriber's storing, without a broker."""

import datetime
from types import SimpleNamespace

import pytest

from aftersales.iot import charts, services
from aftersales.iot.models import Telemetry
from aftersales.iot.subscriber import Subscriber
from aftersales.testing.factories import UnitFactory

START = datetime.datetime(2026, 11, 24, 0, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=24)


def test_the_line_spans_the_period_and_the_values():
    points = [(START + datetime.timedelta(hours=h), 60.0 + h) for h in (0, 12, 24)]
    chart = charts.line_chart(points, START, END, thresholds=[80])
    xs = [float(p.split(",")[0]) for p in chart["points"].split()]
    ys = [float(p.split(",")[1]) for p in chart["points"].split()]
    assert xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert xs[1] == pytest.approx((chart["left"] + chart["right"]) / 2, abs=0.1)
    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher up
    assert chart["top"] <= min(ys) and max(ys) <= chart["bottom"]
    threshold_y = chart["thresholds"][0]["y"]
    assert ys[2] < threshold_y < ys[1]  # 84 is over the line, 72 under it
    assert [t["anchor"] for t in chart["x_ticks"]][::5] == ["start", "end"]


def test_no_points_no_line():
    chart = charts.line_chart([], START, END, thresholds=[80])
    assert chart["points"] == "" and chart["thresholds"] == []


def test_a_flat_line_has_room_around_it():
    chart = charts.line_chart([(START, 5.0), (END, 5.0)], START, END)
    assert len({t["label"] for t in chart["y_ticks"]}) == 4


class FakeClient:
    def __init__(self):
        self.acked = []

    def ack(self, mid, qos):
        self.acked.append(mid)


def message(topic, payload, mid):
    return (SimpleNamespace(topic=topic, payload=payload, mid=mid, qos=1), START)


@pytest.fixture
def subscriber():
    sub = Subscriber(url="mqtt://127.0.0.1:1883", client_id="unused", prefix="units")
    sub.client = FakeClient()
    return sub


@pytest.mark.django_db
def test_a_batch_is_acknowledged_once_stored(subscriber):
    unit = UnitFactory()
    subscriber.queue.put(message(f"units/{unit.serial_number}", b'{"metrics": {"t": 1}}', 7))
    subscriber.queue.put(message("elsewhere/x/y", b"{}", 8))
    assert subscriber.drain(wait=0) == 2
    assert Telemetry.objects.filter(unit=unit).count() == 1
    assert subscriber.client.acked == [7, 8]  # the stray one too: it would only come back


@pytest.mark.django_db
def test_a_batch_that_fails_is_kept_and_tried_again(subscriber, monkeypatch):
    unit = UnitFactory()
    real, calls = services.ingest_many, []

    def flaky(items):
        calls.append(len(items))
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return real(items)

    monkeypatch.setattr(services, "ingest_many", flaky)
    monkeypatch.setattr(subscriber.stopping, "wait", lambda delay: False)  # no real sleep
    subscriber.queue.put(message(f"units/{unit.serial_number}", b'{"metrics": {"t": 1}}', 9))
    assert subscriber.drain(wait=0) == 1
    assert calls == [1, 1]
    assert subscriber.client.acked == [9]
    assert Telemetry.objects.filter(unit=unit).exists()
