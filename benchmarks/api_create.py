"""Benchmark creating service requests through the API, served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales \\
        .venv/bin/python benchmarks/api_create.py --requests 3000 --concurrency 8
    .venv/bin/python benchmarks/api_create.py                         # SQLite

It makes a scratch database next to the configured one (as the other benchmarks do),
fills it with customers and units, starts gunicorn (2 sync workers by default, as in the
comparison with django-helpdesk), and sends `POST /api/v1/tickets/` from several client
threads at once, each with an `Idempotency-Key`. It reports creates per second and the
latency distribution, then checks that every request got its own unique number.
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
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
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
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if scratch:
            shutil.rmtree(Path(scratch).parent, ignore_errors=True)


if __name__ == "__main__":
    main()
