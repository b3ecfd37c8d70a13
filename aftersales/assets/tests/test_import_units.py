"""manage.py import_units: CSV and XLSX, English and Chinese headers, all or nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from aftersales.assets import importing
from aftersales.assets.importing import parse_date
from aftersales.assets.models import Unit, UnitEvent
from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer, CustomerEvent, CustomerKind
from aftersales.testing.factories import (
    ContactFactory,
    CustomerFactory,
    ProductFactory,
    UnitFactory,
)

HEADER = [
    "customer",
    "phone",
    "email",
    "province",
    "city",
    "address",
    "serial_number",
    "sku",
    "purchased_on",
    "invoice_number",
    "sales_channel",
    "delivered_on",
    "installed_on",
]
CHINESE_HEADER = [
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


@pytest.fixture
def products(db):
    return {
        "ac": ProductFactory(sku="HC-KFR-35GW", name="1.5匹变频空调", requires_installation=True),
        "phone": ProductFactory(sku="HC-P60", name="P60 手机"),
    }


def row(**values):
    defaults = {
        "customer": "李雷",
        "phone": "13912345678",
        "email": "",
        "province": "广东省",
        "city": "深圳市",
        "address": "南山区科技园路 1 号",
        "serial_number": "HCAC2501000001",
        "sku": "HC-KFR-35GW",
        "purchased_on": "2025-03-01",
        "invoice_number": "25442000000012345678",
        "sales_channel": "京东自营旗舰店",
        "delivered_on": "2025-03-03",
        "installed_on": "2025-03-04",
    }
    defaults.update(values)
    return [defaults[name] for name in HEADER]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_units", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_units", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return str(failure.value), err.getvalue()


def test_csv_happy_path(tmp_path, products):
    path = write_csv(
        tmp_path / "units.csv",
        [
            row(),
            row(serial_number="hcac 2501000002", installed_on="", delivered_on=""),
            row(
                customer="韩梅梅",
                phone="021-6555 1234",
                email="han@example.cn",
                province="上海市",
                city="上海市",
                serial_number="862345678901234",
                sku="HC-P60",
                purchased_on="2025/06/18",
                delivered_on="",
                installed_on="",
                sales_channel="天猫官方旗舰店",
            ),
        ],
    )

    out, _ = run(path)

    assert "Imported 3 units" in out
    assert Unit.objects.count() == 3
    li = Customer.objects.get(name="李雷")
    assert li.phone_normalized == "+8613912345678"
    assert li.city == "深圳市"
    unit = Unit.objects.get(serial_number="HCAC2501000001")
    assert unit.customer == li
    assert unit.product == products["ac"]
    assert unit.purchased_on == datetime.date(2025, 3, 1)
    assert unit.delivered_on == datetime.date(2025, 3, 3)
    assert unit.installed_on == datetime.date(2025, 3, 4)
    assert unit.invoice_number == "25442000000012345678"
    assert unit.sales_channel == "京东自营旗舰店"
    # Serial numbers are stored in their normal form, as register_unit stores them.
    assert Unit.objects.filter(serial_number="HCAC2501000002", customer=li).exists()
    han = Customer.objects.get(name="韩梅梅")
    assert han.phone_normalized == "+862165551234"
    assert han.email == "han@example.cn"
    assert Unit.objects.get(serial_number="862345678901234").purchased_on == datetime.date(
        2025, 6, 18
    )
    # History rows: one per unit, one per new customer.
    assert UnitEvent.objects.filter(kind=UnitEvent.Kind.REGISTERED).count() == 3
    event = UnitEvent.objects.get(unit=unit)
    assert event.to_customer == li
    assert event.data["source"] == "import_units"
    assert event.data["line"] == 2
    assert CustomerEvent.objects.filter(kind=CustomerEvent.Kind.CREATED).count() == 2


def test_xlsx_happy_path_with_excel_dates_and_numbers(tmp_path, products, agent):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    # Date cells, a phone number typed as a number, an Excel day number, an IMEI as number.
    sheet.append(
        [
            "北京华信物业管理有限公司",
            13812345678,
            "caigou@huaxin.example.cn",
            "北京市",
            "北京市",
            "海淀区中关村大街 27 号",
            "HCAC2502000001",
            "HC-KFR-35GW",
            datetime.datetime(2025, 2, 10),
            "INV-001",
            "工程渠道",
            datetime.date(2025, 2, 12),
            45701,  # 2025-02-13 as Excel counts days
        ]
    )
    sheet.append(
        [
            "北京华信物业管理有限公司",
            "138-1234-5678",
            None,
            None,
            None,
            None,
            862345678905555,
            "hc-p60",  # SKU in other case
            "2025-02-10",
            None,
            None,
            None,
            None,
        ]
    )
    path = tmp_path / "units.xlsx"
    workbook.save(path)

    out, _ = run(path, "--user", "agent")

    assert "Imported 2 units" in out
    customer = Customer.objects.get()
    assert customer.phone_normalized == "+8613812345678"
    first = Unit.objects.get(serial_number="HCAC2502000001")
    assert first.customer == customer
    assert first.purchased_on == datetime.date(2025, 2, 10)
    assert first.delivered_on == datetime.date(2025, 2, 12)
    assert first.installed_on == datetime.date(2025, 2, 13)
    second = Unit.objects.get(serial_number="862345678905555")
    assert second.customer == customer
    assert second.product == products["phone"]
    assert set(UnitEvent.objects.values_list("actor__username", flat=True)) == {"agent"}


def test_chinese_headers(tmp_path, products):
    path = write_csv(tmp_path / "设备.csv", [row()], header=CHINESE_HEADER)

    run(path)

    unit = Unit.objects.get()
    assert unit.serial_number == "HCAC2501000001"
    assert unit.customer.name == "李雷"
    assert unit.purchased_on == datetime.date(2025, 3, 1)


def test_chinese_excel_csv_in_gb18030_with_header_notes(tmp_path, products):
    header = [f"{name}(必填)" if name in ("客户", "序列号") else name for name in CHINESE_HEADER]
    path = write_csv(tmp_path / "units.csv", [row()], header=header, encoding="gb18030")

    run(path)

    assert Unit.objects.get().customer.address == "南山区科技园路 1 号"


def test_phone_spelled_differently_finds_the_same_existing_customer(tmp_path, products):
    existing = CustomerFactory(name="王小明", phone="13800138000")
    path = write_csv(
        tmp_path / "units.csv",
        [
            row(customer="王小明", phone="+86 138-0013-8000", serial_number="SN-A"),
            row(customer="王 小明", phone="0086 138 0013 8000", serial_number="SN-B"),
            row(customer="", phone="8613800138000", serial_number="SN-C"),
        ],
    )

    out, _ = run(path)

    assert "0 new customers, 1 existing customers" in out
    assert Customer.objects.count() == 1
    assert set(existing.units.values_list("serial_number", flat=True)) == {"SN-A", "SN-B", "SN-C"}
    assert not CustomerEvent.objects.filter(kind=CustomerEvent.Kind.CREATED).exists()


def test_company_contact_phone_finds_the_company(tmp_path, products):
    contact = ContactFactory(phone="13700001111")
    path = write_csv(tmp_path / "units.csv", [row(customer="", phone="137 0000 1111")])

    run(path)

    assert Unit.objects.get().customer == contact.customer


def test_new_customer_kind_column(tmp_path, products):
    header = [*HEADER, "客户类型"]
    path = write_csv(
        tmp_path / "units.csv", [[*row(customer="深圳前海创新科技有限公司"), "企业"]], header=header
    )

    run(path)

    assert Customer.objects.get().kind == CustomerKind.COMPANY


def test_row_errors_are_reported_with_line_numbers_and_nothing_is_imported(tmp_path, products):
    customers_before = Customer.objects.count()
    path = write_csv(
        tmp_path / "units.csv",
        [
            row(serial_number="SN-1"),  # line 2: good
            row(serial_number="SN-2", sku="NO-SUCH-SKU"),  # line 3
            row(serial_number="SN-3", purchased_on="2025-02-30"),  # line 4
            row(serial_number="SN-4", delivered_on="2025-02-01"),  # line 5: before purchase
            row(serial_number="", phone="", email=""),  # line 6
            row(serial_number="SN-7", customer="", phone="13300000007"),  # line 7: new, no name
            row(serial_number="SN-8", email="not-an-email", phone="13300000008"),  # line 8
        ],
    )

    message, err = run_failing(path)

    assert "nothing was imported" in message
    lines = err.splitlines()
    assert any(line.startswith("Line 3:") and "NO-SUCH-SKU" in line for line in lines)
    assert any(
        line.startswith("Line 4:") and "purchased_on" in line and "YYYY-MM-DD" in line
        for line in lines
    )
    assert any(
        line.startswith("Line 5:") and "delivered_on" in line and "purchase date" in line
        for line in lines
    )
    assert any(line.startswith("Line 6:") and "serial_number is missing" in line for line in lines)
    assert any(line.startswith("Line 6:") and "phone or email" in line for line in lines)
    assert any(line.startswith("Line 7:") and "customer is missing" in line for line in lines)
    assert any(line.startswith("Line 8:") and "email" in line for line in lines)
    assert not any(line.startswith("Line 2:") for line in lines)
    assert Unit.objects.count() == 0
    assert Customer.objects.count() == customers_before
    assert not UnitEvent.objects.exists()
    assert not CustomerEvent.objects.exists()


def test_chinese_header_names_appear_in_messages(tmp_path, products):
    path = write_csv(tmp_path / "units.csv", [row(purchased_on="去年三月")], header=CHINESE_HEADER)

    _, err = run_failing(path)

    assert 'Line 2: 购买日期: "去年三月" is not a date' in err


def test_duplicate_serial_in_file(tmp_path, products):
    path = write_csv(
        tmp_path / "units.csv",
        [
            row(serial_number="SN-DUP"),
            row(serial_number="SN-OK"),
            row(serial_number="sn-dup "),  # the same serial, spelled differently
        ],
    )

    _, err = run_failing(path)

    assert "Line 4: serial_number SN-DUP appears twice in the file, also on line 2." in err
    assert Unit.objects.count() == 0


def test_duplicate_serial_in_database(tmp_path, products):
    owner = CustomerFactory(name="赵六")
    UnitFactory(serial_number="SN-TAKEN", customer=owner, product=products["ac"])
    path = write_csv(
        tmp_path / "units.csv", [row(serial_number="SN-NEW"), row(serial_number="sn-taken")]
    )

    _, err = run_failing(path)

    assert "Line 3: serial_number SN-TAKEN is already registered (owner: 赵六)." in err
    assert Unit.objects.count() == 1


def test_unknown_sku(tmp_path, products):
    path = write_csv(tmp_path / "units.csv", [row(sku="HC-XYZ")])

    _, err = run_failing(path)

    assert 'Line 2: sku: no product with SKU "HC-XYZ".' in err


@pytest.mark.parametrize("value", ["2025-13-01", "03/05/2025", "yesterday", "2024"])
def test_bad_date(tmp_path, products, value):
    path = write_csv(tmp_path / "units.csv", [row(purchased_on=value)])

    _, err = run_failing(path)

    assert f'Line 2: purchased_on: "{value}" is not a date; write it as YYYY-MM-DD.' in err
    assert Unit.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, products):
    path = write_csv(tmp_path / "units.csv", [row(), row(serial_number="SN-2")])

    out, _ = run(path, "--dry-run")

    assert "2 units would be imported" in out
    assert "1 new customers" in out
    assert not Unit.objects.exists()
    assert not Customer.objects.exists()


def test_unknown_and_missing_columns(tmp_path, products):
    path = write_csv(
        tmp_path / "units.csv", [["李雷", "SN-1", "x"]], header=["客户", "序列号", "颜色"]
    )

    _, err = run_failing(path)

    assert 'Line 1: unknown column "颜色"' in err
    assert "Line 1: missing column(s): sku/" in err
    assert "phone/" in err


def test_empty_file_and_wrong_extension(tmp_path, products):
    empty = write_csv(tmp_path / "empty.csv", [])
    assert "no rows to import" in run_failing(empty)[0]

    other = tmp_path / "units.txt"
    other.write_text("customer,phone\n")
    assert "use a .csv or .xlsx file" in run_failing(other)[0]

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert "not a readable Excel" in run_failing(broken)[0]


def test_blank_lines_are_skipped_and_lines_counted(tmp_path, products):
    path = tmp_path / "units.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerow(row(serial_number="SN-1", address="第一行\n第二行"))  # lines 2-3
    buffer.write("\n")  # line 4
    writer.writerow(row(serial_number="SN-5", sku="NOPE"))  # line 5
    path.write_text(buffer.getvalue(), encoding="utf-8")

    _, err = run_failing(path)

    assert err.startswith("Line 5:")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", datetime.date(2025, 3, 1)),
        ("2025/3/1", datetime.date(2025, 3, 1)),
        ("2025.03.01", datetime.date(2025, 3, 1)),
        ("2025年3月1日", datetime.date(2025, 3, 1)),
        ("2025-03-01 00:00:00", datetime.date(2025, 3, 1)),
        ("45717", datetime.date(2025, 3, 1)),
        (45717, datetime.date(2025, 3, 1)),
        (45717.0, datetime.date(2025, 3, 1)),
        (datetime.datetime(2025, 3, 1, 0, 0), datetime.date(2025, 3, 1)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025-02-29", "01/03/2025", "2025", 12.5, "abc"])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_serial_registered_meanwhile_imports_nothing(tmp_path, products):
    """A serial registered by someone else between the check and the write: all or nothing."""
    path = write_csv(tmp_path / "units.csv", [row(serial_number="SN-1"), row(serial_number="SN-2")])
    plan = importing.check_file(importing.read_table(path))
    UnitFactory(serial_number="SN-2", product=products["ac"])
    customers = Customer.objects.count()

    with pytest.raises(DomainError, match="registered by someone else"):
        importing.write_plan(plan)

    assert list(Unit.objects.values_list("serial_number", flat=True)) == ["SN-2"]
    assert Customer.objects.count() == customers
    assert not CustomerEvent.objects.exists()
    assert not UnitEvent.objects.exists()
