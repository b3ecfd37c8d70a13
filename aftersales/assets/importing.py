"""Import sold units from a CSV or XLSX file (one unit a row), all or nothing.

The whole file is checked first and every problem is reported with its line number;
a file with any bad row imports nothing. A good file is written in one transaction
with bulk inserts, so 100,000 rows take seconds, not minutes.

Columns (the header row may use English or Chinese names, in any order):
customer/客户, phone/电话, email/邮箱, kind/客户类型, province/省, city/市,
district/区县, address/地址, serial_number/序列号, sku/型号, purchased_on/购买日期,
invoice_number/发票号, sales_channel/销售渠道, delivered_on/送货日期,
installed_on/安装日期, notes/备注. Required: serial number, SKU, customer, and a
phone or email column.

Customers are found by phone number (in any spelling: "138 0013 8000" is
"+8613800138000"), also a company contact's phone, or else by email; a customer not
found is created from the first row that names them. Units follow the same rules as
`assets.services.register_unit`: a known product (by SKU), a serial number not yet
registered (nor twice in the file), the model's own field checks, and the date rules of
`assets.services.check_dates` (no purchase in the future, delivery and installation not
before the purchase). Dates are YYYY-MM-DD, YYYY/MM/DD or Excel dates.
"""

from __future__ import annotations

import csv
import datetime
import functools
import gc
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from tqdm import tqdm

from aftersales.assets.models import Unit, UnitEvent, normalize_serial
from aftersales.assets.services import check_dates
from aftersales.catalog.models import Product
from aftersales.core.errors import DomainError
from aftersales.customers.models import Contact, Customer, CustomerEvent, CustomerKind
from aftersales.customers.phones import normalize_phone

# Field name → the header names that mean it (compared after `_header_key`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "customer_name", "name", "客户", "客户名称", "客户姓名", "姓名"),
    "phone": (
        "phone",
        "mobile",
        "telephone",
        "tel",
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
    ),
    "email": ("email", "e_mail", "mail", "邮箱", "电子邮箱", "电子邮件"),
    "kind": ("kind", "customer_kind", "customer_type", "客户类型"),
    "province": ("province", "省", "省份"),
    "city": ("city", "市", "城市"),
    "district": ("district", "county", "区", "县", "区县", "区/县"),
    "address": ("address", "地址", "详细地址"),
    "serial_number": ("serial_number", "serial", "serial_no", "sn", "序列号", "机身序列号"),
    "sku": ("sku", "model", "product", "型号", "产品型号", "机型"),
    "purchased_on": ("purchased_on", "purchase_date", "purchased", "购买日期", "购机日期"),
    "invoice_number": ("invoice_number", "invoice", "invoice_no", "发票号", "发票号码"),
    "sales_channel": ("sales_channel", "channel", "dealer", "销售渠道", "渠道", "经销商"),
    "delivered_on": ("delivered_on", "delivery_date", "delivered", "送货日期", "交付日期"),
    "installed_on": ("installed_on", "installation_date", "installed", "安装日期"),
    "notes": ("notes", "note", "remarks", "备注"),
}
REQUIRED = ("customer", "serial_number", "sku")
DATE_FIELDS = ("purchased_on", "delivered_on", "installed_on")
CUSTOMER_FIELDS = ("customer", "kind", "phone", "email", "province", "city", "district", "address")
KIND_VALUES = {
    "person": CustomerKind.PERSON,
    "个人": CustomerKind.PERSON,
    "company": CustomerKind.COMPANY,
    "企业": CustomerKind.COMPANY,
    "公司": CustomerKind.COMPANY,
    "单位": CustomerKind.COMPANY,
}
BATCH_SIZE = 2000
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SUFFIXES = {".csv", ".xlsx"}

_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
# Each column as "english/中文", for messages and help: "serial_number/序列号".
COLUMN_NAMES = {
    name: f"{name}/{next(alias for alias in aliases if not alias.isascii())}"
    for name, aliases in COLUMNS.items()
}
_BRACKETS = re.compile(r"[(（].*?[)）]")
_SEPARATORS = re.compile(r"[\s\-]+")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_PLAIN_PHONE = re.compile(r"\+?[0-9 ().\-]+", re.ASCII)
_NOT_DIGITS = re.compile(r"[^0-9]+", re.ASCII)
_EXCEL_SERIAL = re.compile(r"^\d{5,7}(?:\.0+)?$")
# Excel day numbers taken as dates: 10000 is 1927-05-18 (smaller numbers are more likely
# a year or a typo), 2958465 is 9999-12-31.
EXCEL_DAYS = (10000, 2958465)


# --- Results and errors -----------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class ImportFailed(DomainError):
    """The file has problems; nothing was imported. `errors` lists every one by line."""

    code = "import_failed"

    def __init__(self, errors: list[RowError], message: str | None = None):
        self.errors = sorted(errors, key=lambda error: error.line)
        bad_lines = len({error.line for error in self.errors})
        super().__init__(
            message
            or ngettext(
                "%(count)d problem in %(lines)d line(s); nothing was imported.",
                "%(count)d problems in %(lines)d line(s); nothing was imported.",
                len(self.errors),
            )
            % {"count": len(self.errors), "lines": bad_lines}
        )


@dataclass
class ImportResult:
    rows: int
    units: int
    customers_created: int
    customers_found: int
    dry_run: bool


# --- Reading the file --------------------------------------------------------------------


@dataclass
class Table:
    """The header (as written in the file) and the data rows with their line numbers."""

    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None = None


def read_table(path: str | Path) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DomainError(
            _("%(name)s: use a .csv or .xlsx file.") % {"name": path.name}, code="bad_file"
        )
    if not path.is_file():
        raise DomainError(_("%(path)s: no such file.") % {"path": path}, code="bad_file")
    return _read_csv(path) if suffix == ".csv" else _read_xlsx(path)


def _decode(data: bytes, name: str) -> str:
    # UTF-8 (with or without Excel's BOM) first; Excel on Chinese Windows saves GB18030.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _('%(name)s is neither UTF-8 nor GB18030 text; save it as "CSV UTF-8".') % {"name": name},
        code="bad_file",
    )


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes(), path.name)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        start = 1
        for values in reader:
            yield start, values
            start = reader.line_num + 1

    rows = numbered()
    for line, values in rows:
        if any(value.strip() for value in values):
            return Table(values, line, rows, total=max(text.count("\n") - line, 0))
    return Table([], 0, iter(()))


def _read_xlsx(path: Path) -> Table:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError(
            _("%(name)s is not a readable Excel (.xlsx) file: %(error)s")
            % {"name": path.name, "error": exc},
            code="bad_file",
        ) from exc
    sheet = workbook.worksheets[0]  # the first sheet holds the data

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                yield line, list(values)
        finally:
            workbook.close()

    rows = numbered()
    for line, values in rows:
        if any(_text(value) for value in values):
            total = sheet.max_row - line if sheet.max_row else None
            return Table([_text(value) for value in values], line, rows, total=total)
    return Table([], 0, iter(()))


# --- Cell values -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text; Excel numbers such as phone numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: Any) -> datetime.date | None:
    """YYYY-MM-DD, YYYY/MM/DD (also with 年月日), an Excel date cell or an Excel day number.

    Returns None for an empty cell; raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_day(value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.date.fromisoformat(text)  # the common case, fast
        except ValueError:
            pass
    match = _DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    if _EXCEL_SERIAL.match(text):
        return _excel_day(float(text))
    raise ValueError(text)


def _excel_day(number: float) -> datetime.date:
    if not EXCEL_DAYS[0] <= number <= EXCEL_DAYS[1] or number != int(number):
        raise ValueError(number)
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _header_key(name: str) -> str:
    name = _BRACKETS.sub("", name).strip().strip("*").strip().casefold()
    return _SEPARATORS.sub("_", name)


# --- Checking ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    line: int
    customer_key: str
    serial: str
    product_id: int
    unit_fields: dict[str, Any]


@dataclass
class _NewCustomer:
    line: int
    fields: dict[str, Any]
    pk: int | None = None


@dataclass
class Plan:
    """A checked file: what will be written."""

    rows: list[_Row] = field(default_factory=list)
    # customer key → existing customer id, or the customer to create.
    found: dict[str, int] = field(default_factory=dict)
    new: dict[str, _NewCustomer] = field(default_factory=dict)


def _map_header(header: list[str], line: int) -> tuple[dict[str, int], dict[str, str]]:
    """Which column holds which field, and the header text of each field (for messages)."""
    errors = []
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, raw in enumerate(header):
        raw = _text(raw)
        if not raw:
            continue
        name = _ALIASES.get(_header_key(raw))
        if name is None:
            errors.append(
                RowError(
                    line,
                    _('unknown column "%(column)s". Known columns: %(known)s.')
                    % {
                        "column": raw,
                        "known": ", ".join(COLUMN_NAMES.values()),
                    },
                )
            )
        elif name in positions:
            errors.append(
                RowError(
                    line,
                    _('columns "%(first)s" and "%(second)s" both mean %(field)s; keep one.')
                    % {"first": labels[name], "second": raw, "field": name},
                )
            )
        else:
            positions[name] = index
            labels[name] = raw
    missing = [name for name in REQUIRED if name not in positions]
    if "phone" not in positions and "email" not in positions:
        missing.append("phone")
    if missing:
        errors.append(
            RowError(
                line,
                _("missing column(s): %(columns)s.")
                % {"columns": ", ".join(COLUMN_NAMES[name] for name in missing)},
            )
        )
    if errors:
        raise ImportFailed(errors)
    return positions, labels


def _products() -> tuple[dict[str, int], dict[str, int]]:
    exact, folded = {}, {}
    for pk, sku in Product.objects.values_list("pk", "sku"):
        exact[sku] = pk
        folded.setdefault(sku.casefold(), pk)
    return exact, folded


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_file(table: Table, *, progress: bool = False) -> Plan:
    """Read and check every row; raise ImportFailed listing every problem, or return the plan."""
    positions, labels = _map_header(table.header, table.header_line)
    width = len(table.header)
    exact_skus, folded_skus = _products()
    phones: dict[str, str] = {}  # raw spelling → normalised, so each spelling is parsed once
    serial_lines: dict[str, int] = {}
    first_row_of: dict[str, tuple[int, dict[str, Any]]] = {}
    errors: list[RowError] = []
    plan = Plan()
    # Unit fields are checked by the model's own field validation, as register_unit does.
    probe = Unit()  # carries each row's dates to check_dates
    date_problems: dict[tuple, list[str]] = {}
    items = tqdm(
        table.rows,
        total=table.total,
        desc=_("Checking"),
        unit=_("rows"),
        disable=None if progress else True,
    )
    text_columns = [(name, i) for name, i in positions.items() if name not in DATE_FIELDS]
    date_columns = [(name, i) for name, i in positions.items() if name in DATE_FIELDS]
    for line, values in items:
        if not any(values) or not any(_text(value) for value in values):
            continue  # a blank line
        count = len(values)
        if count > width and any(_text(value) for value in values[width:]):
            errors.append(
                RowError(line, _("this row has more values than the header has columns."))
            )
            continue
        row_errors: list[str] = []
        text = {name: _text(values[i]) if i < count else "" for name, i in text_columns}

        # The customer: found again by phone, else by email.
        raw_phone = text.get("phone", "")
        spelling = _phone_spelling(raw_phone)
        phone = phones.get(spelling)
        if phone is None:
            phone = phones[spelling] = normalize_phone(raw_phone)
        email = text.get("email", "")
        if phone:
            key = "phone:" + phone
        elif email:
            key = "email:" + email.casefold()
        else:
            key = ""
            row_errors.append(
                _("%(phone)s: give the customer's phone or email, so that they are found again.")
                % {"phone": labels.get("phone") or labels.get("email")}
            )

        # The product and the serial number.
        sku = text["sku"]
        product_id = exact_skus.get(sku) or folded_skus.get(sku.casefold())
        if not sku:
            row_errors.append(_("%(column)s is missing.") % {"column": labels["sku"]})
        elif product_id is None:
            row_errors.append(
                _('%(column)s: no product with SKU "%(sku)s".')
                % {"column": labels["sku"], "sku": sku}
            )
        serial = normalize_serial(text["serial_number"])
        if not serial:
            row_errors.append(_("%(column)s is missing.") % {"column": labels["serial_number"]})
        elif serial in serial_lines:
            row_errors.append(
                _("%(column)s %(serial)s appears twice in the file, also on line %(line)d.")
                % {
                    "column": labels["serial_number"],
                    "serial": serial,
                    "line": serial_lines[serial],
                }
            )
        else:
            serial_lines[serial] = line

        # Dates, then the unit's own rules (field lengths, dates in order).
        unit_fields: dict[str, Any] = {}
        for name, i in date_columns:
            value = values[i] if i < count else None
            try:
                unit_fields[name] = parse_date(value)
            except (ValueError, OverflowError):
                row_errors.append(
                    _('%(column)s: "%(value)s" is not a date; write it as YYYY-MM-DD.')
                    % {"column": labels[name], "value": _text(value)}
                )
        for name in UNIT_TEXT_FIELDS:
            if name in text:
                unit_fields[name] = text[name]
        # The unit's own rules, as register_unit applies them: field checks, then dates.
        texts = {name: unit_fields[name] for name in UNIT_TEXT_FIELDS if name in unit_fields}
        row_errors.extend(_field_errors(Unit, {"serial_number": serial, **texts}, labels))
        dates = tuple(unit_fields.get(name) for name in DATE_FIELDS)
        if dates not in date_problems:  # the same dates recur: check each combination once
            date_problems[dates] = _date_problems(probe, dates, labels)
        row_errors.extend(date_problems[dates])

        if key and key not in first_row_of:  # a new customer is made from their first row
            details = {name: text.get(name, "") for name in CUSTOMER_FIELDS}
            details["phone_normalized"] = phone
            first_row_of[key] = (line, details)
        if row_errors:
            errors.extend(RowError(line, message) for message in row_errors)
            continue
        plan.rows.append(_Row(line, key, serial, product_id, unit_fields))

    if not plan.rows and not errors:
        raise ImportFailed([], _("The file has no rows to import."))

    # Against the database: serial numbers already registered, customers already known.
    serials = list(serial_lines)
    for chunk in _chunks(serials):
        for serial, owner in Unit.objects.filter(serial_number__in=chunk).values_list(
            "serial_number", "customer__name"
        ):
            errors.append(
                RowError(
                    serial_lines[serial],
                    _("%(column)s %(serial)s is already registered (owner: %(owner)s).")
                    % {"column": labels["serial_number"], "serial": serial, "owner": owner},
                )
            )
    plan.found = _find_customers(list(first_row_of))
    for key, (line, details) in first_row_of.items():
        if key in plan.found:
            continue
        new = _new_customer(line, details, labels)
        if isinstance(new, list):
            errors.extend(new)
        else:
            plan.new[key] = new
    if errors:
        raise ImportFailed(errors)
    return plan


UNIT_TEXT_FIELDS = ("invoice_number", "sales_channel", "notes")
_CUSTOMER_NAMES = {"name": "customer"}  # model field → import column, where they differ


def _new_customer(line: int, details: dict[str, Any], labels) -> _NewCustomer | list[RowError]:
    raw_kind = details.pop("kind")
    fields = {"name": details.pop("customer"), **details}
    errors = []
    if raw_kind:
        kind = KIND_VALUES.get(raw_kind.casefold())
        if kind is None:
            errors.append(
                RowError(
                    line,
                    _(
                        '%(column)s: "%(value)s" is not a customer type; use person/个人 or '
                        "company/企业."
                    )
                    % {"column": labels["kind"], "value": raw_kind},
                )
            )
        else:
            fields["kind"] = kind
    if not fields["name"]:
        errors.append(
            RowError(
                line,
                _("%(column)s is missing; it is needed to create the customer.")
                % {"column": labels["customer"]},
            )
        )
        return errors
    messages = _field_errors(Customer, fields, labels, _CUSTOMER_NAMES)
    errors.extend(RowError(line, message) for message in messages)
    return errors or _NewCustomer(line, fields)


def _field_errors(model, values: dict[str, Any], labels, names=None) -> list[str]:
    """The model's own checks of each value (length, e-mail format…), as full_clean runs them."""
    messages = []
    language = get_language()
    for name, value in values.items():
        problems = _field_problems(model, name, value, language)
        if problems:
            label = labels.get((names or {}).get(name, name), name)
            messages.extend(f"{label}: {problem}" for problem in problems)
    return messages


@functools.lru_cache(maxsize=4096)  # cities, provinces, shops and names repeat a lot
def _field_problems(model, name: str, value: Any, language: str) -> tuple[str, ...]:
    field = _fields_of(model)[name]
    if field.blank and value in field.empty_values:
        return ()
    try:
        field.clean(value, None)
    except ValidationError as exc:
        return tuple(exc.messages)
    return ()


def _date_problems(probe: Unit, dates: tuple, labels) -> list[str]:
    """register_unit's date rules (assets.services.check_dates) for one set of dates."""
    for name, value in zip(DATE_FIELDS, dates, strict=True):
        setattr(probe, name, value)
    try:
        check_dates(probe)
    except ValidationError as exc:
        return [
            f"{labels.get(name, name)}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


@functools.cache
def _fields_of(model) -> dict[str, Any]:
    return {field.name: field for field in model._meta.concrete_fields}


def _phone_spelling(raw: str) -> str:
    """A cache key for normalize_phone: spellings that differ only in spaces, dashes,
    dots or brackets ("138 0013 8000", "138-0013-8000") are one number. Anything else
    (letters, extensions, full-width digits) is its own key."""
    if _PLAIN_PHONE.fullmatch(raw):
        return ("+" if raw.startswith("+") else "") + _NOT_DIGITS.sub("", raw)
    return raw


def _find_customers(keys: list[str]) -> dict[str, int]:
    """Existing customers by key: own phone first, then a contact's phone, then email.

    When several customers share a phone, the oldest (lowest id) is taken.
    """
    found: dict[str, int] = {}
    phones = [key[6:] for key in keys if key.startswith("phone:")]
    emails = [key[6:] for key in keys if key.startswith("email:")]
    # Rows come highest id first, so that the lowest id is the one left in `found`.
    for chunk in _chunks(phones):
        rows = (
            Customer.objects.filter(phone_normalized__in=chunk)
            .order_by("-pk")
            .values_list("phone_normalized", "pk")
        )
        found.update(("phone:" + phone, pk) for phone, pk in rows)
    rest = [phone for phone in phones if "phone:" + phone not in found]
    for chunk in _chunks(rest):
        rows = (
            Contact.objects.filter(phone_normalized__in=chunk)
            .order_by("-customer_id")
            .values_list("phone_normalized", "customer_id")
        )
        found.update(("phone:" + phone, pk) for phone, pk in rows)
    for chunk in _chunks(emails):
        rows = (
            Customer.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=chunk)
            .order_by("-pk")
            .values_list("email_key", "pk")
        )
        found.update(("email:" + email, pk) for email, pk in rows)
    return found


# --- Writing -----------------------------------------------------------------------------------


def _insert(model, columns: list[str], rows: list[tuple], *, returning: bool = False):
    """INSERT `rows` (values ready for the database); return the new ids if `returning`.

    Much faster than bulk_create for 100,000s of rows: no model instances, each value
    prepared once. PostgreSQL takes the rows by COPY; other databases by multi-row
    INSERTs, whose RETURNING gives the new ids in row order (as bulk_create relies on).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    per_statement = min(1000, _max_params(connection) // len(columns))
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    if connection.vendor == "postgresql" and _is_psycopg3():
        return _copy_into_postgresql(connection, model, columns, rows, returning=returning)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one_row] * len(chunk))
            params = [value for row in chunk for value in row]
            if returning:
                cursor.execute(f"{sql} RETURNING {quote(model._meta.pk.column)}", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def _copy_into_postgresql(connection, model, columns, rows, *, returning: bool) -> list[int]:
    """PostgreSQL's fast path: COPY the rows in; new ids are drawn from the table's sequence
    first (safe with concurrent writers), so that each row knows its id."""
    import psycopg

    quote = connection.ops.quote_name
    names = [quote(model._meta.get_field(name).column) for name in columns]
    ids: list[int] = []
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        if returning:
            pk = model._meta.pk.column
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            names.insert(0, quote(pk))
            rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
        statement = f"COPY {quote(model._meta.db_table)} ({', '.join(names)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _is_psycopg3() -> bool:
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def _max_params(connection) -> int:
    """How many parameters one statement may have (SQLite's own limit where it tells)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        if hasattr(raw, "getlimit"):  # Python 3.11+
            import sqlite3

            return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535


class _Rows:
    """Turns field values into database rows of `model`; unnamed fields get their defaults."""

    def __init__(self, model, now: datetime.datetime):
        connection = connections[DEFAULT_DB_ALIAS]
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.name for f in self.fields]
        self.defaults = []
        for f in self.fields:
            value = (
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default()
            )
            self.defaults.append(f.get_db_prep_save(value, connection))
        # Values of these kinds need the database's own form; text and numbers pass as they are.
        ops = connection.ops
        self.prepare = [
            {
                "DateField": ops.adapt_datefield_value,
                "DateTimeField": ops.adapt_datetimefield_value,
                "JSONField": lambda value, field=f: field.get_db_prep_save(value, connection),
            }.get(f.get_internal_type())
            for f in self.fields
        ]

    def row(self, values: dict[str, Any]) -> tuple:
        return tuple(
            default if name not in values else (prepare(values[name]) if prepare else values[name])
            for name, default, prepare in zip(
                self.columns, self.defaults, self.prepare, strict=True
            )
        )


def write_plan(plan: Plan, *, actor=None, source: str = "", progress: bool = False) -> None:
    """Create the new customers and the units, with their history rows, in one transaction.

    The rows are written as register_unit and create_customer would write them: serial
    numbers and phone numbers in their normal forms (checked in `check_file`), one
    REGISTERED event per unit and one CREATED event per new customer.
    """
    if not connections[DEFAULT_DB_ALIAS].features.can_return_rows_from_bulk_insert:
        raise DomainError(_("This database cannot import in bulk (it does not return new ids)."))
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    data = {"source": "import_units", "file": source}
    customers, customer_events = _Rows(Customer, now), _Rows(CustomerEvent, now)
    units, unit_events = _Rows(Unit, now), _Rows(UnitEvent, now)
    bar = tqdm(
        total=len(plan.new) + len(plan.rows),
        desc=_("Importing"),
        unit=_("rows"),
        disable=None if progress else True,
    )
    with bar, transaction.atomic():
        new = list(plan.new.values())
        for chunk in _chunks(new):
            ids = _insert(
                Customer,
                customers.columns,
                [customers.row(item.fields) for item in chunk],
                returning=True,
            )
            for item, pk in zip(chunk, ids, strict=True):
                item.pk = pk
            _insert(
                CustomerEvent,
                customer_events.columns,
                [
                    customer_events.row(
                        {
                            "customer": item.pk,
                            "kind": CustomerEvent.Kind.CREATED,
                            "actor": actor_id,
                            "data": {**data, "line": item.line},
                        }
                    )
                    for item in chunk
                ],
            )
            bar.update(len(chunk))
        owner = dict(plan.found)
        owner.update((key, item.pk) for key, item in plan.new.items())
        for chunk in _chunks(plan.rows):
            owners = [owner[row.customer_key] for row in chunk]
            try:
                with transaction.atomic():
                    ids = _insert(
                        Unit,
                        units.columns,
                        [
                            units.row(
                                {
                                    "serial_number": row.serial,
                                    "product": row.product_id,
                                    "customer": customer_id,
                                    **row.unit_fields,
                                }
                            )
                            for row, customer_id in zip(chunk, owners, strict=True)
                        ],
                        returning=True,
                    )
            except IntegrityError as exc:
                raise DomainError(
                    _(
                        "Some of these serial numbers were registered by someone else while the "
                        "file was being imported; nothing was imported. Run the import again."
                    ),
                    code="duplicate_serial",
                ) from exc
            _insert(
                UnitEvent,
                unit_events.columns,
                [
                    unit_events.row(
                        {
                            "unit": pk,
                            "kind": UnitEvent.Kind.REGISTERED,
                            "actor": actor_id,
                            "to_customer": customer_id,
                            "data": {**data, "line": row.line},
                        }
                    )
                    for row, pk, customer_id in zip(chunk, ids, owners, strict=True)
                ],
            )
            bar.update(len(chunk))


@contextmanager
def _without_garbage_collector():
    """Hundreds of thousands of small objects make Python's cycle collector run again and
    again over all of them (a third of the time); an import makes no cycles worth it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_units(
    path: str | Path, *, actor=None, dry_run: bool = False, progress: bool = False
) -> ImportResult:
    """Check `path` and, unless `dry_run`, import it. Raises ImportFailed if any row is bad."""
    path = Path(path)
    with _without_garbage_collector():
        plan = check_file(read_table(path), progress=progress)
        if not dry_run:
            write_plan(plan, actor=actor, source=path.name, progress=progress)
    return ImportResult(
        rows=len(plan.rows),
        units=len(plan.rows),
        customers_created=len(plan.new),
        customers_found=len(plan.found),
        dry_run=dry_run,
    )
