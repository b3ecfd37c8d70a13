"""Benchmark creating service requests through the API, served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales \\
        .venv/bin/python benchmarks/api_create.py --requests 3000 --concurrency 8
    .venv/bin/python benchmarks/api_create.py                         # SQLite
    .venv/bin/python benchmarks/api_create.py --profile 300           # where the time goes

It makes a scratch database next to the configured one (as the other benchmarks do),
fills it with customers and units, starts gunicorn (2 sync workers by default, as in the
comparison with django-helpdesk), and sends `POST /api/v1/tickets/` from several client
threads at once, each with an `Idempotency-Key`. It reports creates per second, the
latency distribution and the CPU time gunicorn and PostgreSQL spent per create (Linux
/proc; the machine may be shared, the CPU time per create is the steadier figure), checks
that every request got its own unique number, and waits until the outbox has sent every
"request received" message.

`--profile N` starts no server: it makes N creates through the whole Django stack in this
process under cProfile (as in a web process without a broker: the messages are only
queued), prints the statements of one create, then times sending the queued messages in
batches.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
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

from django.db import connection  # noqa: E402

from aftersales.accounts.models import User  # noqa: E402
from aftersales.accounts.roles import Role  # noqa: E402
from aftersales.accounts.tokens import issue_token  # noqa: E402
from aftersales.assets.models import Unit  # noqa: E402
from aftersales.catalog.models import Category, Product  # noqa: E402
from aftersales.customers.models import Customer  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402

PORT = 8931


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="no server: make N creates in this process under cProfile, one at a time "
        "(delivery runs inline after each commit, as in commands) and print where the time goes",
    )
    return parser.parse_args()


def fill(customers: int) -> tuple[str, list[tuple[int, int]]]:
    """Customers with one unit each, and an agent's token."""
    category = Category.objects.create(code="AC", name="空调")
    product = Product.objects.create(sku="KFR-35", name="空调 KFR-35", category=category)
    people = Customer.objects.bulk_create(
        Customer(name=f"客户{i}", phone=f"139{i:08d}", phone_normalized=f"+86139{i:08d}")
        for i in range(customers)
    )
    units = Unit.objects.bulk_create(
        Unit(serial_number=f"SN{i:08d}", product=product, customer=c) for i, c in enumerate(people)
    )
    agent = User.objects.create(username="bench-agent", role=Role.AGENT)
    return issue_token(agent), [(u.customer_id, u.pk) for u in units]


def start_server(database_url: str, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # Each create queues a "received" mail, delivered by the web process (no broker);
        # the mail server itself is not what is measured.
        "EMAIL_URL": os.environ.get("EMAIL_URL", "dummy:"),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "aftersales.wsgi",
            f"--workers={workers}",
            f"--threads={threads}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/api/schema/")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def send(token: str, targets: list[tuple[int, int]], count: int, latencies: list, errors: list):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    for i in range(count):
        customer, unit = targets[i % len(targets)]
        body = json.dumps(
            {"customer": customer, "unit": unit, "subject": "空调不制冷", "priority": "normal"}
        )
        started = time.perf_counter()
        conn.request(
            "POST", "/api/v1/tickets/", body, {**headers, "Idempotency-Key": uuid.uuid4().hex}
        )
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 201:
            errors.append(response.status)


def profile(token: str, targets: list[tuple[int, int]], count: int) -> None:
    """Creates through the whole Django stack (middleware, DRF, service), in this process."""
    import cProfile
    import logging
    import pstats

    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    logging.disable(logging.INFO)  # each delivery logs its SMS and its task's success
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def create(i):
        customer, unit = targets[i % len(targets)]
        response = client.post(
            "/api/v1/tickets/",
            {"customer": customer, "unit": unit, "subject": "空调不制冷", "priority": "normal"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        assert response.status_code == 201, response.content

    # As in gunicorn without a broker (thread mode), the requests only queue their messages;
    # the drain that would send them waits here, and the delivery is measured on its own.
    with override_settings(BACKGROUND_MODE="thread", OUTBOX_GATHER_SECONDS=3600):
        for i in range(20):  # warm up: imports, caches, the first query of each kind
            create(i)
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(count):
            create(i)
        wall = (time.perf_counter() - started) / count * 1000
        cpu = (time.process_time() - cpu) / count * 1000
        print(f"{count} creates in process: {wall:.1f} ms each, of which {cpu:.1f} ms CPU here")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for i in range(count):
            create(i)
        profiler.disable()
        elapsed = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            create(count)
    print(f"the statements of one create ({len(queries)}):")
    for query in queries:
        print("   ", query["sql"][:150])
    print(f"{count} creates in process: {elapsed / count * 1000:.1f} ms each (under cProfile)")
    out = Path(tempfile.gettempdir()) / "api_create.prof"
    profiler.dump_stats(out)
    print(f"(full profile in {out})")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

    from aftersales.notifications.services import deliver_batch

    delivery = cProfile.Profile()
    started, sent = time.perf_counter(), 0
    delivery.enable()
    while batch := deliver_batch(100):
        sent += len(batch)
    delivery.disable()
    elapsed = time.perf_counter() - started
    each = elapsed / max(sent, 1) * 1000
    print(f"delivered {sent} messages in batches of 100: {each:.2f} ms each")
    delivery.dump_stats(out.with_suffix(".delivery.prof"))


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def server_pids(server: subprocess.Popen, database: str) -> dict[str, list[int]]:
    """gunicorn's workers, and the PostgreSQL backends serving `database` (Linux /proc)."""
    found = {"gunicorn": [], "postgres": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat[1]) == server.pid:
            found["gunicorn"].append(int(entry.name))
        elif command.startswith("postgres: ") and f" {database} " in command:
            found["postgres"].append(int(entry.name))
    return found


def wait_for_delivery(timeout: float = 60.0) -> tuple[int, int, float]:
    """(messages, sent, seconds waited): the outbox is drained by the server after the
    responses, so the guarantee is checked once the clients are done."""
    from aftersales.notifications.models import OutboundMessage, Status

    started = time.perf_counter()
    while True:
        total = OutboundMessage.objects.count()
        sent = OutboundMessage.objects.filter(status=Status.SENT).count()
        waited = time.perf_counter() - started
        if sent == total or waited > timeout:
            return total, sent, waited
        time.sleep(0.2)


def main():
    args = parse_args()
    engine = connection.vendor
    scratch = None
    if engine == "sqlite":
        # The server processes need a file, not Django's in-memory test database.
        scratch = str(Path(tempfile.mkdtemp(prefix="aftersales-bench-")) / "db.sqlite3")
        connection.settings_dict["TEST"]["NAME"] = scratch
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    try:
        token, targets = fill(args.customers)
        if args.profile:
            profile(token, targets, args.profile)
            return
        name = connection.settings_dict["NAME"]
        if engine == "sqlite":
            url = f"sqlite:///{name}"
        else:
            s = connection.settings_dict
            url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
        connection.close()
        server = start_server(url, args.workers, args.threads)
        per_thread = args.requests // args.concurrency
        latencies, errors = [], []
        threads = [
            threading.Thread(
                target=send,
                args=(token, targets[i :: args.concurrency], per_thread, latencies, errors),
            )
            for i in range(args.concurrency)
        ]
        pids = server_pids(server, name)
        cpu_before = {kind: cpu_seconds(p) for kind, p in pids.items()}
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        pids = server_pids(server, name)  # backends opened during the run count from 0
        cpu = {kind: cpu_seconds(p) - cpu_before[kind] for kind, p in pids.items()}
        made = ServiceRequest.objects.count()
        numbers = ServiceRequest.objects.values("number").distinct().count()
        latencies.sort()
        print(
            f"database: {engine}, gunicorn workers: {args.workers} × {args.threads} threads, "
            f"clients: {args.concurrency}"
        )
        print(f"created {made} requests in {elapsed:.1f} s: {made / elapsed:.0f} creates/s")
        print(
            f"latency ms: median {statistics.median(latencies) * 1000:.0f}, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f}, "
            f"max {latencies[-1] * 1000:.0f}"
        )
        print(f"errors: {len(errors)} {sorted(set(errors))}; unique numbers: {numbers == made}")
        print(
            f"CPU per create: gunicorn {cpu['gunicorn'] / made * 1000:.1f} ms, "
            f"PostgreSQL {cpu['postgres'] / made * 1000:.1f} ms; "
            f"load average {load_before:.1f} before, {load_after:.1f} after"
        )
        total, sent, waited = wait_for_delivery()
        print(f"messages: {sent} of {total} sent, the last {waited:.1f} s after the last create")
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if scratch:
            shutil.rmtree(Path(scratch).parent, ignore_errors=True)


if __name__ == "__main__":
    main()
