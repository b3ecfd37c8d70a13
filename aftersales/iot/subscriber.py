"""The MQTT subscriber: units publish to `<IOT_TOPIC_PREFIX>/<serial>`, we store in batches.

Why it survives a broker restart without losing anything:
- a fixed client id and `clean_session=False`: the broker keeps our subscription and the
  QoS 1 messages published while we are away, and hands them over when we come back;
- the subscription is made again in `on_connect` anyway (a broker that lost its state);
- paho's network thread (`loop_start`, which runs `loop_forever`) reconnects by itself,
  waiting 1 s, 2 s, … up to `reconnect_max` seconds between attempts;
- messages are acknowledged (`manual_ack`) only after their batch is committed, so a
  crash between receiving and storing makes the broker send them again (a repeated
  message is one reading: `Telemetry` is unique per unit and time).

The network thread only queues messages; the thread that calls `drain()` / `run()` does
all database work (tests call `drain()` in their own thread, which SQLite needs).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from aftersales.iot import services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False


def broker_from_url(url: str) -> Broker:
    """mqtt://user:password@host:port (mqtts:// for TLS, port 8883 by default)."""
    parts = urlsplit(url)
    tls = parts.scheme in ("mqtts", "ssl")
    return Broker(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
    )


class Subscriber:
    """One persistent MQTT session feeding `services.ingest_many` in small batches."""

    def __init__(
        self,
        *,
        url: str | None = None,
        client_id: str | None = None,
        prefix: str | None = None,
        batch_size: int = 200,
        reconnect_max: int = 60,
        keepalive: int = 30,
    ):
        self.broker = broker_from_url(url or settings.MQTT_URL)
        self.client_id = client_id or settings.IOT_CLIENT_ID
        self.prefix = (prefix or settings.IOT_TOPIC_PREFIX).rstrip("/")
        self.batch_size = batch_size
        self.keepalive = keepalive
        self.queue: queue.Queue = queue.Queue()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.stopping = threading.Event()
        self.client = self._client(reconnect_max)

    @property
    def topic(self) -> str:
        return f"{self.prefix}/+"

    def _client(self, reconnect_max: int) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            manual_ack=True,
        )
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set()
        client.reconnect_delay_set(min_delay=1, max_delay=reconnect_max)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        return client

    # --- paho callbacks (network thread) ------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT broker refused the connection: %s", reason_code)
            return
        log.info(
            "MQTT connected to %s:%s as %s (session present: %s)",
            self.broker.host, self.broker.port, self.client_id, flags.session_present,
        )  # fmt: skip
        # Again on every connection: a broker that lost its state has lost it too.
        client.subscribe(self.topic, qos=1)
        self.connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        self.subscribed.clear()
        if not self.stopping.is_set():
            log.warning("MQTT connection lost (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, message):
        self.queue.put((message, timezone.now()))

    # --- Lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (retried with backoff until the broker answers)."""
        self.stopping.clear()
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=self.keepalive)
        self.client.loop_start()

    def stop(self) -> None:
        """Store what has arrived, then leave; the broker keeps the session for next time."""
        self.stopping.set()
        while self.drain(wait=0):
            pass
        self.client.disconnect()
        self.client.loop_stop()

    def run(self, wait: float = 0.5) -> None:
        """Store messages until `stopping` is set (the command's signal handler sets it)."""
        self.start()
        try:
            while not self.stopping.is_set():
                self.drain(wait=wait)
        finally:
            self.stop()

    # --- Storing (the calling thread) ---------------------------------------------------

    def _take(self, wait: float) -> list:
        """Up to `batch_size` queued messages, waiting up to `wait` s for the first one."""
        batch = []
        try:
            batch.append(self.queue.get(timeout=wait) if wait else self.queue.get_nowait())
            while len(batch) < self.batch_size:
                batch.append(self.queue.get_nowait())
        except queue.Empty:
            pass
        return batch

    def serial_of(self, topic: str) -> str | None:
        head, _sep, serial = topic.rpartition("/")
        return serial if head == self.prefix and serial else None

    def handle(self, batch: list) -> services.IngestResult:
        """Store one batch, then acknowledge it. A database failure leaves it
        unacknowledged and raises: the broker sends it again after a reconnect."""
        items = []
        for message, received_at in batch:
            serial = self.serial_of(message.topic)
            if serial is None:
                services.STATS["rejected:topic"] += 1
                log.warning("MQTT message on unexpected topic %r ignored", message.topic)
                continue
            items.append((serial, message.payload, received_at))
        result = services.ingest_many(items) if items else services.IngestResult()
        for message, _received_at in batch:
            if message.qos:
                self.client.ack(message.mid, message.qos)
        return result

    def drain(self, wait: float = 0.5) -> int:
        """Store one batch of what has arrived; returns how many messages it held."""
        batch = self._take(wait)
        if not batch:
            return 0
        delay = 1.0
        while True:
            try:
                self.handle(batch)
                return len(batch)
            except Exception:  # noqa: BLE001 - the database may come back; keep the batch
                log.exception(
                    "Storing %s MQTT messages failed; retrying in %.0f s", len(batch), delay
                )
                if not connection.in_atomic_block:  # (a test's transaction: keep it)
                    # A connection the database dropped is opened anew on the next try.
                    close_old_connections()
                if self.stopping.wait(delay):
                    return 0
                delay = min(delay * 2, 60)


def wait_until(check, timeout: float = 10.0, step: float = 0.02) -> bool:
    """Poll `check()` until it is true or `timeout` passes (tests and the benchmark)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())
