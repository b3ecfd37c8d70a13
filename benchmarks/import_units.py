"""Benchmark `manage.py import_units`: generate N rows (default 100,000) and time the import.

    .venv/bin/python benchmarks/import_units.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales \\
        .venv/bin/python benchmarks/import_units.py --rows 100000     # PostgreSQL

The configured database is never touched: the benchmark runs in a scratch database next
to it (Django's test database: `test_<name>` on the same PostgreSQL server, a temporary
file for SQLite), which is created, migrated and dropped again.

The file looks like a dealer's export: Chinese headers, about 1.25 units per customer,
phone numbers spelled in several ways, dates as YYYY-MM-DD or YYYY/MM/DD, and a share of
customers (default 10 %) already in the database, to be found by phone.
"""

import argparse
import csv
import os
import platform
import random
import resource
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

from aftersales.assets.models import Unit, UnitEvent  # noqa: E402
from aftersales.catalog.models import Category, Product  # noqa: E402
from aftersales.core.demo_data import MOBILE_PREFIXES  # noqa: E402
from aftersales.customers.models import Customer, CustomerEvent  # noqa: E402
from aftersales.customers.phones import normalize_phone  # noqa: E402

HEADER = [
    "客户",
    "电话",
    "邮箱",
    "省",
    "市",
    "地址",
    "序列号",
    "型号",
    "购买日期",
    "发票号",
    "销售渠道",
    "送货日期",
    "安装日期",
]
PLACES = [
    ("北京市", "北京市"),
    ("上海市", "上海市"),
    ("广东省", "广州市"),
    ("广东省", "深圳市"),
    ("四川省", "成都市"),
    ("湖北省", "武汉市"),
    ("浙江省", "杭州市"),
    ("河南省", "开封市"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "建华",
    "志强",
]
CHANNELS = ["京东自营旗舰店", "天猫官方旗舰店", "苏宁易购", "国美电器", "线下专卖店"]
PRODUCTS = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument(
        "--existing-share",
        type=float,
        default=0.1,
        help="share of the file's customers already in the database (default 0.1)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--progress", action="store_true", help="show the progress bars")
    return parser.parse_args()


def spell(number: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5:
        return number
    if style < 0.7:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style < 0.85:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return f"+86 {number}"


def generate(path: Path, rows: int, existing_share: float, rng: random.Random, fmt: str):
    """Write the file; create the existing customers in the database. Returns (customers, known)."""
    customers = max(1, int(rows / 1.25))
    numbers = rng.sample(range(10**8), customers)
    phones = [rng.choice(MOBILE_PREFIXES) + f"{n:08d}" for n in numbers]
    known = phones[: int(customers * existing_share)]
    Customer.objects.bulk_create(
        (
            Customer(
                name=f"老客户{index}",
                phone=phone,
                phone_normalized=normalize_phone(phone),
                province="上海市",
                city="上海市",
            )
            for index, phone in enumerate(known)
        ),
        batch_size=2000,
    )
    skus = list(Product.objects.values_list("sku", flat=True))
    lines = []
    for index in range(rows):
        phone = phones[index % customers]
        province, city = PLACES[index % len(PLACES)]
        year = rng.choice([2023, 2024, 2025])
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        bought = f"{year}-{month:02d}-{day:02d}" if index % 4 else f"{year}/{month}/{day}"
        delivered = f"{year}-{month:02d}-{min(day + 2, 28):02d}"
        lines.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                spell(phone, rng),
                "",
                province,
                city,
                f"幸福路{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室",
                f"BENCH{index:09d}",
                rng.choice(skus),
                bought,
                f"{year % 100}44200000{rng.randrange(10**10):010d}",
                rng.choice(CHANNELS),
                delivered,
                delivered if index % 3 == 0 else "",
            ]
        )
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(HEADER)
            writer.writerows(lines)
    else:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for line in lines:
            sheet.append(line)
        workbook.save(path)
    return customers, len(known)


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        # A file, as in production use; Django's default test database is in memory.
        database.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        category = Category.objects.create(code="BENCH", name="基准测试")
        Product.objects.bulk_create(
            Product(sku=f"BENCH-{n:02d}", name=f"基准型号 {n}", category=category)
            for n in range(PRODUCTS)
        )
        path = workdir / f"units.{args.format}"
        started = time.monotonic()
        customers, known = generate(path, args.rows, args.existing_share, rng, args.format)
        generated = time.monotonic() - started
        progress = [] if args.progress else ["--no-progress"]

        started, cpu = time.monotonic(), time.process_time()
        call_command("import_units", str(path), "--dry-run", *progress, stdout=sys.stderr)
        checked, checked_cpu = time.monotonic() - started, time.process_time() - cpu
        started, cpu = time.monotonic(), time.process_time()
        call_command("import_units", str(path), *progress, stdout=sys.stderr)
        imported, imported_cpu = time.monotonic() - started, time.process_time() - cpu

        assert Unit.objects.count() == args.rows
        assert UnitEvent.objects.count() == args.rows
        assert Customer.objects.count() == customers
        assert CustomerEvent.objects.count() == customers - known
        with connection.cursor() as cursor:
            cursor.execute(
                "select sqlite_version()"
                if connection.vendor == "sqlite"
                else "show server_version"
            )
            version = cursor.fetchone()[0].split()[0]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    database_label = f"{connection.vendor} {version}"
    print(
        f"import_units: {args.rows:,} rows ({args.format}, {customers:,} customers of which "
        f"{known:,} already known) on {database_label}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"  generate file          {generated:6.1f} s  ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"  check only (--dry-run) {checked:6.1f} s  (CPU of this process {checked_cpu:.1f} s)")
    print(
        f"  import (check + write) {imported:6.1f} s  (CPU of this process {imported_cpu:.1f} s, "
        f"{args.rows / imported:,.0f} rows/s)"
    )
    print(f"  peak memory            {peak_mb:6.0f} MB")
    print(
        f"| {database_label} | {args.format} | {args.rows:,} | {checked:.1f} s | "
        f"{imported:.1f} s | {imported_cpu:.1f} s | {args.rows / imported:,.0f} | "
        f"{peak_mb:.0f} MB |"
    )
    path.unlink()


if __name__ == "__main__":
    main()
