"""Benchmark the agent's queue, a request's page and the manager's quality pages on a large
generated data set.

    .venv/bin/python benchmarks/queue_pages.py --requests 100000            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales \\
        .venv/bin/python benchmarks/queue_pages.py --requests 1000000 --explain

It makes a scratch database next to the configured one (as the other benchmarks do), fills
it with `manage.py generate_data`, then renders pages in-process through Django's test
client, signed in as an agent (who sees every request): the queue as it opens (open
requests, newest first), filtered by status and priority and sorted by deadline (page 1
and its last page), everything newest first at a deep page, and the page of a request
with visits and a survey; then, signed in as a service manager, the quality dashboard (the
last 90 days, and one center's), the centers' comparison, the requests behind a number,
a center's scorecard, the fault statistics and the key accounts. Each page is fetched
once to warm up, then `--runs` times; the median and the fastest are printed with the
number of queries. `--explain` prints the
plans (`EXPLAIN ANALYZE` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite) of each page's
queries, slowest first, to a file.

`--keep` leaves the scratch database behind and `--reuse` starts from it (migrating it
first), so that indexes can be compared on the same data without generating it again.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from aftersales.accounts.models import User  # noqa: E402
from aftersales.service.choices import Status  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402

SQLITE_FILE = Path(tempfile.gettempdir()) / "aftersales-bench-queue.sqlite3"
PAGE_SIZE = 50
KEPT = "dashboard: last 90 days, figures kept (any view after the first)"
# The plans are about joins, filters and order: the list of columns only hides them.
SELECT_LIST = re.compile(r"^SELECT (DISTINCT )?.*? FROM ", re.DOTALL)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", metavar="FILE", help="write the query plans to FILE")
    parser.add_argument("--only", default="", help="time only the pages whose name has this")
    parser.add_argument(
        "--now", default="", help="the day the quality pages end on (default: the data's last)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the scratch database")
    parser.add_argument("--reuse", action="store_true", help="start from a kept database")
    return parser.parse_args()


def pages(agent: User) -> dict[str, str]:
    """The pages to time: name → URL."""
    open_filtered = ServiceRequest.objects.filter(
        status__in=[Status.NEW, Status.ASSIGNED], priority__in=["high", "urgent"]
    ).count()
    last = max(1, -(-open_filtered // PAGE_SIZE))
    everything = ServiceRequest.objects.count()
    deep = max(1, everything // PAGE_SIZE // 2)
    filtered = "status=new&status=assigned&priority=high&priority=urgent&sort=due"
    # A request with visits and a survey: the fullest page.
    full = (
        ServiceRequest.objects.filter(survey__isnull=False, visits__isnull=False)
        .order_by("-received_at")
        .values_list("number", flat=True)
        .first()
    )
    return {
        "queue: open, newest first (default view)": "/requests/?open=true",
        "queue: open, by deadline, page 1": "/requests/?open=true&sort=due",
        "queue: my open requests, by deadline": "/requests/?open=true&assignee=me&sort=due",
        "queue: new+assigned, high+urgent, by deadline, page 1": f"/requests/?{filtered}",
        f"queue: same, last page ({last})": f"/requests/?{filtered}&page={last}",
        f"queue: all, newest first, page {deep}": f"/requests/?sort=-received&page={deep}",
        "request page (visits, survey)": f"/requests/{full}/",
    }


def quality_pages(today: str) -> dict[str, str]:
    """The manager's pages: name → URL, over the 90 days up to `today`."""
    from aftersales.field.models import ServiceCenter

    center = ServiceCenter.objects.order_by("code").values_list("pk", flat=True).first()
    period = f"end={today}"
    return {
        "dashboard: last 90 days": f"/quality/?{period}",
        "dashboard: one center, last 90 days": f"/quality/?{period}&center={center}",
        "centers compared (own vs partners)": f"/quality/partners/?{period}",
        "requests behind a number (resolution missed)": (
            f"/quality/requests/?kpi=sla_resolution&subset=missed&{period}"
        ),
        "a center's scorecard": f"/quality/me/?{period}&center={center}",
        "fault statistics (a year)": f"/faults/?date_to={today}",
        "key accounts": "/care/key-accounts/",
    }


def manager() -> User:
    from aftersales.accounts.roles import Role

    user, _created = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MANAGER}
    )
    return user


def measure(client: Client, url: str, runs: int) -> tuple[list[float], list[dict]]:
    response = client.get(url)  # warm up: caches, templates, the database's pages
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times, list(captured.captured_queries)


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join("    " + " ".join(str(part) for part in row) for row in cursor.fetchall())


def main():
    args = parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    # As in the tests: static files by name, without a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(SQLITE_FILE)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.reuse
    )
    try:
        if not (args.reuse and ServiceRequest.objects.exists()):
            started = time.perf_counter()
            call_command("generate_data", requests=args.requests, seed=args.seed)
            print(f"generated in {time.perf_counter() - started:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        agent = User.objects.get(username="sim-agent-01")
        agent.preferences = {}
        agent.save(update_fields=["preferences"])
        client, boss = Client(), Client()
        client.force_login(agent)
        boss.force_login(manager())
        total = ServiceRequest.objects.count()
        print(f"database: {connection.vendor}, requests: {total}, runs: {args.runs}")
        print("| page | median | fastest | queries |")
        print("| --- | --- | --- | --- |")
        plans = []
        today = args.now or ServiceRequest.objects.latest("received_at").received_at.date()
        to_time = [(client, name, url) for name, url in pages(agent).items()]
        to_time += [(boss, name, url) for name, url in quality_pages(str(today)).items()]
        to_time.append((boss, KEPT, f"/quality/?end={today}"))
        for who, name, url in to_time:
            if args.only not in name:
                continue
            # The quality pages keep their figures (analytics.figures_cache): time them
            # computed, but for the one page timed as a manager sees it the second time.
            settings.ANALYTICS_FIGURES_SECONDS = 300 if name == KEPT else 0
            times, queries = measure(who, url, args.runs)
            print(
                f"| {name} | {statistics.median(times) * 1000:.0f} ms "
                f"| {min(times) * 1000:.0f} ms | {len(queries)} |"
            )
            slowest = sorted(queries, key=lambda query: float(query["time"]), reverse=True)
            plans.append((name, url, slowest))
        if args.explain:
            with open(args.explain, "w") as out:
                out.write(f"# {connection.vendor}, {total} requests\n")
                for name, url, slowest in plans:
                    out.write(f"\n## {name}: {url}\n")
                    for query in slowest:
                        if query["sql"].startswith("EXPLAIN"):  # the paginator's estimate
                            continue
                        out.write(f"\n-- {float(query['time']) * 1000:.1f} ms\n")
                        short = SELECT_LIST.sub(r"SELECT \1… FROM ", query["sql"])
                        out.write(short + "\n")
                        out.write(explain(query["sql"]) + "\n")
    finally:
        if args.keep:
            print(f"kept: {connection.settings_dict['NAME']}")
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
