"""Demo data (`manage.py load_demo`): a maker of home appliances and phones and its
after-sales service, as a Chinese service manager would recognise it.

Everything that has rules goes through the real services: customers and contacts
(`customers.services`), units (`assets.services`), service requests, their transitions,
comments and calls (`service.services`), so demo data obeys the same rules as real data.
The catalog, the service network and the staff, which have no services of their own yet,
are written directly with the ORM (the users after their own validation).

To give requests realistic timelines, the data is built on a simulated clock:
`django.utils.timezone.now` is replaced while the demo is built (a single-threaded
command, in one transaction), and each request's
story (intake, triage, dispatch, visit, waiting for parts, resolution, follow-up call,
closing) is replayed in time order across all requests, ending before the real now.
Random choices come from a seeded generator, so every run builds the same world
(relative to the day it runs).
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import Role
from aftersales.assets import services as assets
from aftersales.assets.models import Unit, UnitStatus
from aftersales.catalog.models import Category, FaultCode, Product, SparePart
from aftersales.core import demo_data as data
from aftersales.core.errors import DomainError
from aftersales.customers import services as customers
from aftersales.customers.models import Contact, Customer, CustomerKind
from aftersales.customers.phones import normalize_phone
from aftersales.field.models import ServiceCenter
from aftersales.service import services
from aftersales.service.choices import (
    CallDirection,
    Channel,
    Kind,
    Priority,
    ResolutionType,
    Status,
    Visibility,
)
from aftersales.service.models import ServiceRequest
from aftersales.warranty.services import warranty_dates

# One memorable password for every demo login; it passes Django's password validators.
DEMO_PASSWORD = "Demo-pass-2026"
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


DEMO_LOGINS = [
    DemoLogin("admin", Role.ADMIN, "孙浩 · superuser, Django admin"),
    DemoLogin("manager", Role.MANAGER, "林海燕 · 售后经理"),
    DemoLogin("agent", Role.AGENT, "张丽 · 客服热线组"),
    DemoLogin("dispatcher", Role.DISPATCHER, "王强 · 调度中心"),
    DemoLogin("tech", Role.TECHNICIAN, "陈志强 · 海川上海浦东服务中心"),
    DemoLogin("partner", Role.PARTNER, "黄永发 · 深圳宝安惠家家电服务部 (partner)"),
    DemoLogin("customer", Role.CUSTOMER, "王小明 · customer portal"),
]
DEMO_CUSTOMER = {
    "name": "王小明",
    "phone": "138 0013 8000",
    "email": "wangxm@example.com",
    "place": 2,  # 上海 浦东新区
    "address": "张杨路500号锦绣家园6号楼2单元1102室",
}

# How many requests end in each status (besides a few featured stories below).
STATUS_PLAN = {
    Status.NEW: 14,
    Status.TRIAGED: 10,
    Status.ASSIGNED: 12,
    Status.IN_PROGRESS: 14,
    Status.WAITING_CUSTOMER: 9,
    Status.WAITING_PARTS: 10,
    Status.RESOLVED: 14,
    Status.CLOSED: 50,
    Status.CANCELLED: 10,
}
# What kinds of request end in each status (weights).
KIND_PLAN = {
    Status.NEW: {Kind.REPAIR: 70, Kind.INSTALLATION: 10, Kind.CONSULTATION: 10, Kind.COMPLAINT: 5},
    Status.TRIAGED: {Kind.REPAIR: 75, Kind.INSTALLATION: 10, Kind.MAINTENANCE: 10},
    Status.ASSIGNED: {
        Kind.REPAIR: 70,
        Kind.INSTALLATION: 15,
        Kind.MAINTENANCE: 10,
        Kind.TRAINING: 5,
    },
    Status.IN_PROGRESS: {
        Kind.REPAIR: 80,
        Kind.INSTALLATION: 10,
        Kind.MAINTENANCE: 5,
        Kind.COMPLAINT: 5,
    },
    Status.WAITING_CUSTOMER: {Kind.REPAIR: 80, Kind.EXCHANGE: 10, Kind.RETURN: 10},
    Status.WAITING_PARTS: {Kind.REPAIR: 100},
    Status.RESOLVED: {
        Kind.REPAIR: 65,
        Kind.INSTALLATION: 10,
        Kind.CONSULTATION: 10,
        Kind.MAINTENANCE: 5,
        Kind.EXCHANGE: 5,
        Kind.RETURN: 5,
    },
    Status.CLOSED: {
        Kind.REPAIR: 60,
        Kind.INSTALLATION: 12,
        Kind.CONSULTATION: 8,
        Kind.MAINTENANCE: 8,
        Kind.COMPLAINT: 4,
        Kind.TRAINING: 3,
        Kind.RETURN: 2,
        Kind.EXCHANGE: 3,
    },
    Status.CANCELLED: {Kind.REPAIR: 70, Kind.INSTALLATION: 20, Kind.MAINTENANCE: 10},
}
# How long ago (in hours) requests that end in each status came in.
RECENCY_HOURS = {
    Status.NEW: (0.3, 30),
    Status.TRIAGED: (1, 48),
    Status.ASSIGNED: (3, 72),
    Status.IN_PROGRESS: (20, 120),
    Status.WAITING_CUSTOMER: (48, 200),
    Status.WAITING_PARTS: (48, 260),
    Status.RESOLVED: (24, 96),
    Status.CLOSED: (96, 4000),
    Status.CANCELLED: (24, 2500),
}
REPAIR_CHANNELS = {
    Channel.PHONE: 45,
    Channel.WECHAT: 15,
    Channel.WEB: 8,
    Channel.EMAIL: 5,
    Channel.CHAT: 7,
    Channel.IOT: 7,
    Channel.SMS: 3,
    Channel.WALK_IN: 5,
}
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
WORK_START, WORK_END = 8, 19  # technicians visit and agents work between these hours


class DemoDataExists(DomainError):
    code = "demo_exists"


@dataclass
class DemoSummary:
    counts: dict[str, int]
    statuses: dict[str, int]


def demo_usernames() -> list[str]:
    return [login.username for login in DEMO_LOGINS]


def check_can_load() -> None:
    """Refuse to load on top of demo data (or anything named like it)."""
    clashes = []
    usernames = [*demo_usernames(), *(row[0] for row in data.STAFF)]
    if User.objects.filter(username__in=usernames).exists():
        clashes.append(_("demo users"))
    if Category.objects.filter(code__in=[code for code, _n, _p in data.CATEGORIES]).exists():
        clashes.append(_("demo product categories"))
    if ServiceCenter.objects.filter(code__in=[row[0] for row in data.SERVICE_CENTERS]).exists():
        clashes.append(_("demo service centers"))
    if clashes:
        raise DemoDataExists(
            _(
                "The database already has %(what)s; load_demo fills a fresh database only. "
                "Use --if-empty to skip quietly, or start from an empty database."
            )
            % {"what": ", ".join(str(clash) for clash in clashes)}
        )


def load_demo(*, seed: int = DEFAULT_SEED, now: datetime.datetime | None = None) -> DemoSummary:
    """Build the demo world in one transaction; nothing is written if any step fails."""
    with transaction.atomic():
        check_can_load()
        builder = _Builder(random.Random(seed), now or timezone.now())
        with builder.clock.running():
            builder.build()
    statuses = dict(
        Counter(ServiceRequest.objects.values_list("status", flat=True).order_by("status"))
    )
    return DemoSummary(counts=builder.counts(), statuses=statuses)


# --- The simulated clock ----------------------------------------------------------------


class _Clock:
    """Stands in for timezone.now() while the demo is built (auto_now fields included)."""

    def __init__(self, start: datetime.datetime):
        self.current = start

    def now(self) -> datetime.datetime:
        return self.current

    def set(self, when: datetime.datetime) -> None:
        self.current = when

    @contextmanager
    def running(self):
        with mock.patch.object(timezone, "now", self.now):
            yield self


# --- Stories: one request's life as timed steps -----------------------------------------------


@dataclass
class _Step:
    delay: datetime.timedelta
    run: Callable[[], None]
    hours: tuple[int, int] | None = None  # snap into these local hours (e.g. working hours)
    name: str = ""  # for steps that others refer to, such as the visit ("start")


@dataclass
class _Spec:
    final: str
    kind: str
    customer: Customer
    unit: Unit | None = None
    product: Product | None = None  # for a unit bought during the story
    fault: tuple | None = None
    channel: str = Channel.PHONE
    by_customer: bool = False  # opened by the customer on the portal
    center: ServiceCenter | None = None
    assignee: User | None = None
    mode: str = "onsite"  # onsite, remote, depot, desk (agent handles it), manager
    waits_for_parts: bool = False
    waits_for_customer: bool = False
    reopen: bool = False
    recency: float = 24.0


@dataclass
class _Story:
    spec: _Spec
    steps: list[_Step] = field(default_factory=list)
    request: ServiceRequest | None = None
    unit: Unit | None = None
    answer: str = ""  # the resolution of a consultation, complaint or training
    times: dict[str, datetime.datetime] = field(default_factory=dict)  # named steps' times


class _Builder:
    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng = rng
        self.now = now
        self.tz = timezone.get_default_timezone()
        self.clock = _Clock(now)
        self.serial_numbers = itertools.count(1)
        self.phones: set[str] = set()
        self.created: Counter[str] = Counter()
        self.customer_since: dict[int, datetime.datetime] = {}
        self.units: list[Unit] = []
        self.company_ids: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def local(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def today(self) -> datetime.date:
        return timezone.localtime(self.clock.now(), self.tz).date()

    def snap(self, when: datetime.datetime, hours: tuple[int, int]) -> datetime.datetime:
        """`when`, or the next moment inside the local `hours` (start inclusive, end not)."""
        start, end = hours
        local = timezone.localtime(when, self.tz)
        if start <= local.hour < end:
            return when
        day = local.date() if local.hour < start else local.date() + DAY
        return self.local(day, start, local.minute)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def spelled(self, number: str) -> str:
        """A mobile number as people type it: 13812345678, 138 1234 5678, +86 138-1234-5678."""
        style = self.rng.random()
        if style < 0.6:
            return number
        if style < 0.8:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        if style < 0.9:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"

    def person_name(self) -> tuple[str, str]:
        surname, pinyin = self.rng.choice(data.SURNAMES)
        return surname + self.rng.choice(data.GIVEN_NAMES), pinyin

    def address(self, place) -> str:
        streets, villages = place[5], place[7]
        if villages and self.rng.random() < 0.4:
            return (
                f"{self.rng.choice(villages)}{self.rng.randint(1, 12)}组{self.rng.randint(1, 60)}号"
            )
        street = self.rng.choice(streets)
        compound = self.rng.choice(data.COMPOUNDS)
        return (
            f"{street}{self.rng.randint(1, 999)}号{compound}{self.rng.randint(1, 28)}号楼"
            f"{self.rng.randint(1, 4)}单元{self.rng.randint(1, 32)}{self.rng.randint(1, 4):02d}室"
        )

    def counts(self) -> dict[str, int]:
        return dict(self.created)

    # -- the world ---------------------------------------------------------------------------

    def build(self) -> None:
        self.catalog()
        self.network()
        self.staff()
        self.customers()
        self.requests()

    def catalog(self) -> None:
        self.categories = {}
        for code, name, parent in data.CATEGORIES:
            self.categories[code] = Category.objects.create(
                code=code, name=name, parent=self.categories.get(parent)
            )
        self.products = {
            sku: Product(
                sku=sku,
                name=name,
                category=self.categories[category],
                brand=data.BRAND,
                requires_installation=installs,
            )
            for sku, name, category, installs in data.PRODUCTS
        }
        Product.objects.bulk_create(self.products.values())
        self.parts = {}
        self.fits: dict[str, set[str]] = {}
        for number, name, category, skus, consumable, price in data.SPARE_PARTS:
            part = SparePart.objects.create(
                part_number=number,
                name=name,
                category=self.categories[category],
                is_consumable=consumable,
                unit_price=Decimal(price),
            )
            fits = skus or [sku for sku, p in self.products.items() if p.category.code == category]
            part.products.set([self.products[sku] for sku in fits])
            self.fits[number] = set(fits)
            self.parts[number] = part
        self.faults: dict[str, list[tuple[FaultCode, tuple]]] = {}
        for category, rows in data.FAULT_CODES.items():
            codes = FaultCode.objects.bulk_create(
                FaultCode(
                    category=self.categories[category],
                    code=row[0],
                    kind=row[1],
                    component=row[2],
                    symptom=row[3],
                )
                for row in rows
            )
            self.faults[category] = list(zip(codes, rows, strict=True))
        self.created.update(
            categories=len(self.categories),
            products=len(self.products),
            spare_parts=len(self.parts),
            fault_codes=sum(len(rows) for rows in self.faults.values()),
        )

    def network(self) -> None:
        self.centers = {}
        for code, name, kind, province, city, address, phone, lat, lon in data.SERVICE_CENTERS:
            self.centers[code] = ServiceCenter.objects.create(
                code=code,
                name=name,
                kind=kind,
                province=province,
                city=city,
                address=address,
                phone=phone,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
            )
        self.teams = {name: Team.objects.create(name=name) for name in data.TEAMS}
        self.created.update(service_centers=len(self.centers), teams=len(self.teams))

    def staff(self) -> None:
        # One hash for the shared demo password: hashing is deliberately slow (~0.2 s).
        password = make_password(DEMO_PASSWORD)
        self.users: dict[str, User] = {}
        self.staff_of: dict[str, list[User]] = {}
        for username, name, role, center, teams, login in data.STAFF:
            user = User(
                username=username,
                first_name=name,
                role=role,
                service_center=self.centers.get(center),
                is_staff=role in (Role.ADMIN, Role.MANAGER),
                is_superuser=role == Role.ADMIN,
                email=f"{username}@haichuan.example.cn",
                phone=self.mobile(),
            )
            if login:
                validate_password(DEMO_PASSWORD, user)
                user.password = password
            else:
                user.set_unusable_password()
            user.full_clean()
            user.save()
            user.teams.set([self.teams[team] for team in teams])
            self.users[user.username] = user
            if center:
                self.staff_of.setdefault(center, []).append(user)
        for team, lead in data.TEAMS.items():
            if lead:
                self.teams[team].lead = self.users[lead]
                self.teams[team].save(update_fields=["lead"])
        self.agents = [user for user in self.users.values() if user.role == Role.AGENT]
        self.support = [self.users["hemin"], self.users["agent"]]
        self.dispatcher = self.users["dispatcher"]
        self.manager = self.users["manager"]
        self.password = password

    # -- customers and their units -------------------------------------------------------------

    def customers(self) -> None:
        places = data.PLACES
        weights = [place[3] for place in places]
        self.place_of: dict[int, tuple] = {}
        # The demo customer who has a portal login.
        demo = data.PLACES[DEMO_CUSTOMER["place"]]
        self.demo_customer = self.customer(
            {
                "name": DEMO_CUSTOMER["name"],
                "phone": DEMO_CUSTOMER["phone"],
                "email": DEMO_CUSTOMER["email"],
                "address": DEMO_CUSTOMER["address"],
            },
            demo,
            units=[
                ("HC-KFR-35GW/BP3", 410, "京东自营旗舰店"),
                ("HC-BCD-450WP", 230, "苏宁易购"),
                ("HC-P60", 45, "海川官方商城"),
            ],
        )
        self.phones.add("13800138000")
        user = User(
            username="customer",
            first_name=DEMO_CUSTOMER["name"],
            role=Role.CUSTOMER,
            customer=self.demo_customer,
            email=DEMO_CUSTOMER["email"],
            password=self.password,
        )
        validate_password(DEMO_PASSWORD, user)
        user.full_clean()
        user.save()
        self.users["customer"] = user

        for _index in range(110):
            place = self.rng.choices(places, weights=weights)[0]
            name, pinyin = self.person_name()
            number = self.mobile()
            fields = {"name": name, "phone": self.spelled(number), "address": self.address(place)}
            if self.rng.random() < 0.35:
                fields["email"] = f"{pinyin}{self.rng.randint(60, 2005)}@example.com"
            count = self.rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
            categories = self.rng.sample(["AC", "FRIDGE", "WASHER", "HEATER", "PHONE"], count)
            units = [
                (
                    self.rng.choice([s for s, p in self.products.items() if p.category.code == c]),
                    int(self.rng.triangular(20, 1100, 200)),
                    self.rng.choice(data.SALES_CHANNELS),
                )
                for c in categories
            ]
            self.customer(fields, place, units=units)

        for name, place_index, slug, site, categories in data.COMPANIES:
            place = places[place_index]
            landline = self.landline(place[4])
            contacts = []
            roles = data.CONTACT_ROLES[: self.rng.randint(2, 4)]
            for index, (role, titles, default) in enumerate(roles):
                person, pinyin = self.person_name()
                contacts.append(
                    {
                        "name": person,
                        "role": role,
                        "title": titles.get(site, default),
                        "phone": self.spelled(self.mobile()),
                        "email": f"{pinyin}{self.rng.randint(1, 99)}@{slug}.example.cn",
                        "is_primary": index == 1,
                    }
                )
            bought = int(self.rng.triangular(60, 1000, 300))
            units = []
            for category in categories:
                sku = self.rng.choice(
                    [s for s, p in self.products.items() if p.category.code == category]
                )
                dealer = f"工程渠道：{place[1]}海川授权经销商"
                units += [(sku, bought, dealer)] * self.rng.randint(2, 4)
                bought = max(30, bought - self.rng.randint(30, 200))
            company = self.customer(
                {
                    "kind": CustomerKind.COMPANY,
                    "name": name,
                    "phone": landline,
                    "email": f"service@{slug}.example.cn",
                    "address": self.address(place).split("号", 1)[0] + "号",
                },
                place,
                units=units,
                contacts=contacts,
                invoice_per_day=True,
            )
            self.company_ids.add(company.pk)
        self.created.update(customers=Customer.objects.count(), contacts=Contact.objects.count())

    def landline(self, area: str) -> str:
        """A company's switchboard: 8-digit local numbers, 7 where the area still has them."""
        for length in (8, 7):
            first = self.rng.randint(2, 8)
            local = f"{first}{self.rng.randrange(10 ** (length - 1)):0{length - 1}d}"
            number = f"{area}-{local[:4]} {local[4:]}"
            if normalize_phone(number).startswith("+"):
                break
        return number

    def customer(self, fields, place, *, units, contacts=(), invoice_per_day=False) -> Customer:
        """Create a customer when they first bought, then register their units in order."""
        bought = sorted(
            (
                self.local(
                    self.now.date() - datetime.timedelta(days=days),
                    self.rng.randint(9, 20),
                    self.rng.randrange(60),
                ),
                sku,
                channel,
            )
            for sku, days, channel in units
        )
        self.clock.set(bought[0][0] if bought else self.now - 400 * DAY)
        customer = customers.create_customer(
            actor=self.rng.choice(self.agents),
            province=place[0],
            city=place[1],
            district=place[2],
            contacts=list(contacts),
            **fields,
        )
        self.place_of[customer.pk] = place
        self.customer_since[customer.pk] = self.clock.now()
        invoices: dict[datetime.date, str] = {}
        for when, sku, channel in bought:
            self.clock.set(when)
            invoice = invoices.get(when.date()) if invoice_per_day else None
            unit = self.register(customer, self.products[sku], when, channel, invoice=invoice)
            invoices[when.date()] = unit.invoice_number
        return customer

    def serial(self, product: Product, made: datetime.date) -> str:
        sequence = next(self.serial_numbers)
        category = product.category.code
        if category == "PHONE":
            # An IMEI: 8-digit type code, 6-digit serial, Luhn check digit.
            tac = {"HC-P60": "86451203", "HC-P60-PRO": "86451204", "HC-N20": "86451207"}
            body = tac[product.sku] + f"{sequence * 7919 % 10**6:06d}"
            total = 0
            for index, digit in enumerate(int(d) for d in body):
                if index % 2:
                    digit *= 2
                    digit -= 9 if digit > 9 else 0
                total += digit
            return body + str((10 - total % 10) % 10)
        return f"{data.SERIAL_PREFIX[category]}{made:%y%m%d}{sequence:05d}"

    def register(
        self,
        customer: Customer,
        product: Product,
        when: datetime.datetime,
        channel: str,
        *,
        invoice: str | None = None,
        in_story: bool = False,
        notes: str = "",
    ) -> Unit:
        """Register a unit bought at `when`.

        Units bought in the past are registered once delivered (and installed, if they
        need it); a unit bought during a request's story is registered at once, delivered
        the same day and installed later by that story's installation visit.
        """
        rng = self.rng
        bought = timezone.localtime(when, self.tz).date()
        today = timezone.localtime(self.now, self.tz).date()
        online = "店" not in channel or "旗舰店" in channel
        delivered = bought + DAY * (rng.randint(1, 3) if online and not in_story else 0)
        if product.category.code == "PHONE" and rng.random() < 0.5:
            delivered = None
        delivered = min(delivered, today) if delivered else None
        installed = None
        if product.requires_installation and delivered and not in_story:
            installed = min(delivered + DAY * rng.randint(0, 2), today)
        if invoice is None and rng.random() < 0.88:
            invoice = f"{bought:%y}{rng.randint(11, 65)}2000000{rng.randrange(10**9):09d}"
        if not in_story:
            settled = self.local(installed or delivered or bought, 19, rng.randrange(60))
            self.clock.set(min(max(when, settled), self.now - HOUR))
        unit = assets.register_unit(
            actor=rng.choice([None, *self.agents]),
            serial_number=self.serial(product, bought - DAY * rng.randint(20, 90)),
            product=product,
            customer=customer,
            purchased_on=bought,
            sales_channel=channel,
            invoice_number=invoice or "",
            delivered_on=delivered,
            installed_on=installed,
            notes=notes,
        )
        self.units.append(unit)
        self.created["units"] += 1
        return unit

    # -- requests --------------------------------------------------------------------------------

    def requests(self) -> None:
        stories = [self.story(spec) for spec in self.featured()]
        for final, count in STATUS_PLAN.items():
            for _index in range(count):
                stories.append(self.story(self.spec(final)))
        timed = []
        for number, story in enumerate(stories):
            for index, (when, step) in enumerate(self.schedule(story)):
                timed.append((when, number, index, step))
                if step.name:
                    story.times[step.name] = when
        timed.sort(key=lambda item: item[:3])
        for when, _number, _index, step in timed:
            self.clock.set(when)
            step.run()
        self.created["requests"] = len(stories)

    def schedule(self, story: _Story) -> list[tuple[datetime.datetime, _Step]]:
        """Times for the story's steps, shifted back until the last one is in the past."""
        start = self.now - story.spec.recency * HOUR
        for _attempt in range(50):
            times, when = [], start
            for step in story.steps:
                when = when + step.delay
                if step.hours:
                    when = self.snap(when, step.hours)
                times.append(when)
            overshoot = times[-1] - (self.now - 5 * datetime.timedelta(minutes=1))
            if overshoot <= datetime.timedelta(0):
                return list(zip(times, story.steps, strict=True))
            # Back off further each time: snapping into working hours can move steps forward.
            start -= overshoot + HOUR * 2**_attempt
        raise RuntimeError("demo story does not fit before now")  # pragma: no cover

    def center_for(self, customer: Customer) -> ServiceCenter:
        return self.centers[self.place_of[customer.pk][6]]

    def team_for(self, center: ServiceCenter | None) -> Team | None:
        if center is None:
            return self.teams["技术支持组"]
        name = data.CENTER_TEAMS.get(center.code)
        return self.teams[name] if name else None

    def field_person(self, center: ServiceCenter) -> User:
        people = self.staff_of[center.code]
        if center.code in ("SC-SH01", "SC-SZ-P01") and self.rng.random() < 0.7:
            return people[0]  # the demo logins get most of their center's work
        return self.rng.choice(people)

    def units_bought_before(self, when: datetime.datetime, category=None) -> list[Unit]:
        day = timezone.localtime(when, self.tz).date()
        return [
            unit
            for unit in self.units
            if unit.purchased_on < day
            and unit.status == UnitStatus.IN_USE
            and unit.customer_id != self.demo_customer.pk
            and (category is None or unit.product.category.code in category)
        ]

    def needs_maintenance(self, unit: Unit) -> bool:
        """Units whose maintenance uses a part that fits them (a fridge filter, a heater anode)."""
        category = unit.product.category.code
        part = data.MAINTENANCE.get(category, (None, None, None, None))[3]
        return part is not None and unit.product.sku in self.fits[part]

    def customers_since(self, when: datetime.datetime, *, companies: bool = False) -> list[int]:
        return [
            pk
            for pk, since in self.customer_since.items()
            if since < when
            and pk != self.demo_customer.pk
            and (pk in self.company_ids) == companies
        ]

    def spec(self, final: str) -> _Spec:
        kind = self.pick(KIND_PLAN[final])
        low, high = RECENCY_HOURS[final]
        recency = self.rng.uniform(low, high)
        horizon = self.now - (recency + 24 * 20) * HOUR  # leaves room for long stories
        spec = _Spec(final=final, kind=kind, customer=None, recency=recency)
        if kind in (Kind.REPAIR, Kind.MAINTENANCE, Kind.COMPLAINT):
            units = self.units_bought_before(horizon)
            if kind == Kind.MAINTENANCE:
                units = [unit for unit in units if self.needs_maintenance(unit)]
            spec.unit = self.rng.choice(units)
            spec.customer = spec.unit.customer
        elif kind == Kind.TRAINING:
            spec.customer = Customer.objects.get(
                pk=self.rng.choice(self.customers_since(horizon, companies=True))
            )
        else:
            spec.customer = Customer.objects.get(pk=self.rng.choice(self.customers_since(horizon)))
            if kind == Kind.CONSULTATION and self.rng.random() < 0.5:
                owned = [unit for unit in self.units if unit.customer_id == spec.customer.pk]
                spec.unit = self.rng.choice(owned) if owned else None
            elif kind == Kind.INSTALLATION:
                spec.product = self.rng.choice(
                    [p for p in self.products.values() if p.requires_installation]
                )
            elif kind in (Kind.RETURN, Kind.EXCHANGE):
                spec.product = self.rng.choice(list(self.products.values()))
        self.plan_work(spec)
        return spec

    def plan_work(self, spec: _Spec) -> None:
        """Choose the fault, channel, who does the work and how, for a spec."""
        rng = self.rng
        product = spec.unit.product if spec.unit else spec.product
        category = product.category.code if product else None
        spec.center = self.center_for(spec.customer)
        if spec.kind == Kind.REPAIR:
            kind = self.pick({"hardware": 60, "software": 20, "operation": 20})
            if spec.final == Status.WAITING_PARTS:
                kind = "hardware"
            choices = [
                f
                for f in self.faults[category]
                if f[0].kind == kind and (f[1][6] or spec.final != Status.WAITING_PARTS)
            ]
            spec.fault = rng.choice(choices)
            channels = dict(REPAIR_CHANNELS)
            if category not in ("AC", "HEATER"):
                channels.pop(Channel.IOT)
            if category != "PHONE":
                channels.pop(Channel.WALK_IN)
            spec.channel = self.pick(channels)
            if category == "PHONE":
                spec.mode = "depot" if kind == "hardware" else "remote"
            elif (kind == "operation" and rng.random() < 0.6) or spec.fault[0].code == "S2":
                spec.mode = "remote"
            if spec.final == Status.WAITING_PARTS and spec.mode == "remote":
                spec.mode = "onsite"
            has_part = bool(spec.fault[1][6]) and kind == "hardware"
            spec.waits_for_parts = has_part and rng.random() < 0.5
            spec.waits_for_customer = rng.random() < 0.15
            spec.reopen = spec.final == Status.CLOSED and rng.random() < 0.1
        elif spec.kind == Kind.INSTALLATION:
            spec.channel = self.pick({Channel.API: 40, Channel.PHONE: 40, Channel.WECHAT: 20})
        elif spec.kind == Kind.MAINTENANCE:
            spec.channel = self.pick({Channel.PHONE: 50, Channel.WECHAT: 30, Channel.WEB: 20})
        elif spec.kind == Kind.CONSULTATION:
            spec.channel = self.pick({Channel.PHONE: 60, Channel.CHAT: 25, Channel.WECHAT: 15})
            spec.mode = "desk"
        elif spec.kind == Kind.COMPLAINT:
            spec.channel = self.pick({Channel.PHONE: 70, Channel.EMAIL: 15, Channel.WECHAT: 15})
            spec.mode = "manager"
        elif spec.kind == Kind.TRAINING:
            spec.channel = self.pick({Channel.EMAIL: 60, Channel.PHONE: 40})
        elif spec.kind in (Kind.RETURN, Kind.EXCHANGE):
            spec.channel = self.pick({Channel.PHONE: 60, Channel.WECHAT: 40})
            spec.mode = "depot" if category == "PHONE" else "onsite"
            spec.waits_for_customer = spec.final == Status.WAITING_CUSTOMER
        if spec.mode == "remote":
            spec.center = None
            spec.assignee = rng.choice(self.support)
        elif spec.mode == "desk":
            spec.center = None
        elif spec.mode == "manager":
            spec.center = None
            spec.assignee = self.manager
        else:
            spec.assignee = self.field_person(spec.center)

    def featured(self) -> list[_Spec]:
        """Stories that make the demo logins' own screens interesting."""
        wang = self.demo_customer
        own = {u.product.category.code: u for u in self.units if u.customer_id == wang.pk}
        portal = _Spec(Status.NEW, Kind.REPAIR, wang, own["PHONE"], by_customer=True, recency=3)
        specs = [
            self.field_repair(
                _Spec(Status.CLOSED, Kind.REPAIR, wang, own["AC"], recency=2000), "H1"
            ),
            self.field_repair(_Spec(Status.IN_PROGRESS, Kind.REPAIR, wang, own["FRIDGE"]), "E5"),
            self.field_repair(portal, "H02"),
        ]
        portal.channel = Channel.PORTAL
        # Open work for the technician and the partner logins.
        for center, final in (
            ("SC-SH01", Status.ASSIGNED),
            ("SC-SH01", Status.IN_PROGRESS),
            ("SC-SZ-P01", Status.ASSIGNED),
            ("SC-SZ-P01", Status.WAITING_PARTS),
        ):
            horizon = self.now - 30 * DAY
            unit = self.rng.choice(
                [
                    unit
                    for unit in self.units_bought_before(horizon, ["AC", "FRIDGE", "WASHER"])
                    if self.center_for(unit.customer).code == center
                ]
            )
            spec = _Spec(final, Kind.REPAIR, unit.customer, unit)
            spec.recency = RECENCY_HOURS[final][1] / 2
            faults = [f for f in self.faults[unit.product.category.code] if f[1][6]]
            specs.append(self.field_repair(spec, self.rng.choice(faults)[0].code))
        return specs

    def field_repair(self, spec: _Spec, code: str) -> _Spec:
        """A repair of fault `code` by the field staff of the customer's service center."""
        category = spec.unit.product.category.code
        spec.fault = next(f for f in self.faults[category] if f[0].code == code)
        spec.center = self.center_for(spec.customer)
        spec.assignee = self.staff_of[spec.center.code][0]
        spec.channel = Channel.PHONE
        return spec

    # -- the steps of a story ------------------------------------------------------------------

    def story(self, spec: _Spec) -> _Story:
        story = _Story(spec)
        story.unit = spec.unit
        rng = self.rng
        steps = story.steps

        def step(minutes: tuple[float, float], run, hours=(WORK_START, WORK_END), name=""):
            delay = datetime.timedelta(minutes=rng.uniform(*minutes))
            steps.append(_Step(delay, run, hours, name))

        final = spec.final
        if spec.product is not None:
            # A unit bought during the story: installation right after delivery,
            # return or exchange within the 三包 windows.
            step((0, 1), lambda: self.buy(story), hours=(9, 21))
            days = (1, 3) if spec.kind == Kind.INSTALLATION else (3, 11)
            lag = (days[0] * 1440, days[1] * 1440)
        else:
            lag = (0, 1)
        step(lag, lambda: self.open(story), hours=self.intake_hours(spec))
        if final == Status.NEW:
            if spec.channel in (Channel.WECHAT, Channel.WEB, Channel.EMAIL) and rng.random() < 0.6:
                step((5, 40), lambda: self.acknowledge(story))
            return story

        if spec.mode == "desk":  # an agent answers a question in the same call
            step((2, 15), lambda: self.resolve(story))
            if final == Status.CLOSED:
                step((600, 2880), lambda: self.close(story))
            return story

        if final == Status.CANCELLED and rng.random() < 0.35:
            step((20, 600), lambda: self.cancel(story))
            return story
        step((5, 90), lambda: self.triage(story))
        if final == Status.TRIAGED:
            return story
        if final == Status.CANCELLED and rng.random() < 0.5:
            step((30, 1440), lambda: self.cancel(story))
            return story
        step((15, 240), lambda: self.assign(story))
        if spec.customer.pk == self.demo_customer.pk:
            step((20, 300), lambda: self.customer_reply(story), hours=(8, 22))
        if final == Status.ASSIGNED:
            if rng.random() < 0.4:
                step((60, 600), lambda: self.chase(story), hours=(8, 21))
            return story
        if final == Status.CANCELLED:
            step((60, 1440), lambda: self.cancel(story))
            return story
        step((60, 1500), lambda: self.start(story), name="start")
        if final == Status.IN_PROGRESS:
            if rng.random() < 0.6:
                step((15, 60), lambda: self.diagnose(story))
            return story
        step((15, 60), lambda: self.diagnose(story))
        if final == Status.WAITING_PARTS or spec.waits_for_parts:
            step((10, 40), lambda: self.wait_for_parts(story))
            if final == Status.WAITING_PARTS:
                if rng.random() < 0.6:
                    step((1000, 2500), lambda: self.parts_chased(story))
                return story
            step((2000, 6000), lambda: self.parts_arrived(story))
        if final == Status.WAITING_CUSTOMER or spec.waits_for_customer:
            step((10, 60), lambda: self.wait_for_customer(story))
            step((60, 600), lambda: self.call_customer(story), hours=(9, 21))
            if final == Status.WAITING_CUSTOMER:
                return story
            step((600, 2880), lambda: self.resume(story))
        step((30, 150), lambda: self.resolve(story))
        if final == Status.RESOLVED:
            return story
        step((1440, 4320), lambda: self.close(story))
        if spec.reopen:
            step((1440, 7200), lambda: self.reopen(story), hours=(8, 21))
            step((600, 2880), lambda: self.resolve(story, again=True))
            step((1440, 4320), lambda: self.close(story))
        return story

    def intake_hours(self, spec: _Spec) -> tuple[int, int] | None:
        if spec.channel in (Channel.IOT, Channel.API):
            return None  # machines report at any hour
        if spec.channel in (Channel.PORTAL, Channel.WEB, Channel.WECHAT, Channel.EMAIL):
            return (7, 23)
        return (8, 21)  # the hotline's hours

    # The step functions run with the clock set to the step's time.

    def actor(self, story: _Story) -> User:
        """Whoever records things at the desk for this story."""
        return self.rng.choice(self.agents)

    def buy(self, story: _Story) -> None:
        spec = story.spec
        channel = self.rng.choice(data.SALES_CHANNELS)
        story.unit = self.register(
            spec.customer, spec.product, self.clock.now(), channel, in_story=True
        )

    def product_label(self, story: _Story) -> str:
        unit = story.unit
        return unit.product.category.name if unit else "产品"

    def open(self, story: _Story) -> None:
        spec, rng = story.spec, self.rng
        unit = story.unit
        now = self.clock.now()
        contact = None
        if spec.customer.kind == CustomerKind.COMPANY:
            contacts = list(spec.customer.contacts.all())
            users = [c for c in contacts if c.role == "user"]
            contact = rng.choice(users or contacts) if contacts else None
        label = self.product_label(story)
        subject, description = self.describe(story, contact)
        priority = self.pick(
            {Priority.LOW: 10, Priority.NORMAL: 62, Priority.HIGH: 22, Priority.URGENT: 6}
        )
        if (
            spec.kind == Kind.COMPLAINT
            or spec.customer.pk in self.company_ids
            and rng.random() < 0.4
        ):
            priority = Priority.HIGH
        if spec.kind in (Kind.CONSULTATION, Kind.TRAINING):
            priority = Priority.LOW if rng.random() < 0.5 else Priority.NORMAL
        if spec.by_customer:
            story.request = services.create_request(
                actor=self.users["customer"],
                customer=spec.customer,
                subject=subject,
                channel=Channel.PORTAL,
                unit=unit,
                kind=spec.kind,
                description=description,
            )
            return
        fields = {
            "unit": unit,
            "contact": contact,
            "kind": spec.kind,
            "description": description,
            "priority": priority,
        }
        actor = None
        fault_codes = []
        if spec.channel == Channel.IOT:
            fault_codes = [spec.fault[0]]
            fields["description"] = (
                f"设备自动上报故障码 {spec.fault[0].code}：{spec.fault[0].symptom}。"
                f"设备序列号 {unit.serial_number}。"
            )
        elif spec.channel == Channel.API:
            fields["description"] = (
                f"电商平台订单推送安装需求：{unit.product.name}，订单已签收，"
                f"客户期望尽快安装。{description}"
            )
        else:
            actor = self.actor(story)
            lag = {
                Channel.PHONE: (2, 12),
                Channel.WALK_IN: (5, 30),
                Channel.EMAIL: (20, 240),
                Channel.WEB: (10, 120),
                Channel.WECHAT: (5, 60),
                Channel.CHAT: (1, 10),
                Channel.SMS: (5, 90),
            }[spec.channel]
            # The agent records the call or message afterwards: it came in a bit earlier.
            fields["received_at"] = now - datetime.timedelta(minutes=rng.uniform(*lag))
            if spec.mode != "desk":
                fields["service_center"] = spec.center
                fields["team"] = self.team_for(spec.center)
            else:
                fields["team"] = self.teams["客服热线组"]
        if spec.kind == Kind.COMPLAINT:
            fields["team"] = self.teams["大客户服务组"]
        story.request = services.create_request(
            actor=actor,
            customer=spec.customer,
            subject=subject,
            channel=spec.channel,
            fault_codes=fault_codes,
            **fields,
        )
        if spec.channel == Channel.PHONE and rng.random() < 0.3:
            services.log_call(
                story.request,
                actor=actor,
                body=f"客户来电报修{label}，已登记并告知工单号 {story.request.number}。",
                direction=CallDirection.INBOUND,
                duration_minutes=rng.randint(2, 9),
            )

    def describe(self, story: _Story, contact) -> tuple[str, str]:
        spec, rng = story.spec, self.rng
        unit = story.unit
        where = f"{spec.customer.city}{spec.customer.district}"
        who = f"（联系人：{contact.name}，{contact.title}）" if contact else ""
        model = f"型号 {unit.product.sku}，序列号 {unit.serial_number}。" if unit else ""
        if spec.kind == Kind.REPAIR:
            code, row = spec.fault
            category = unit.product.category.name
            said = {
                Channel.WECHAT: "客户通过微信公众号报修",
                Channel.WEB: "客户在官网提交报修",
                Channel.EMAIL: "客户来邮件",
                Channel.CHAT: "客户在线咨询",
                Channel.SMS: "客户短信回复报修",
                Channel.WALK_IN: "客户到服务网点",
                Channel.PORTAL: "我在客户门户提交报修",
            }.get(spec.channel, "客户来电")
            if spec.by_customer:
                return f"{category}{code.symptom}", f"{row[4]}。"
            return (
                f"{category}{code.symptom}",
                f"{said}{who}：{row[4]}。{model}地址：{where}。",
            )
        if spec.kind == Kind.INSTALLATION:
            return (
                f"{unit.product.category.name}新机安装预约",
                f"客户新购{unit.product.name}，已送货到家，预约上门安装{who}。{model}",
            )
        if spec.kind == Kind.MAINTENANCE:
            subject, text, _fix, _part = data.MAINTENANCE[unit.product.category.code]
            return subject, f"{text}{who}。{model}"
        if spec.kind == Kind.CONSULTATION:
            subject, text, story.answer = rng.choice(data.CONSULTATIONS)
            return subject, f"{text}{who}。{model}"
        if spec.kind == Kind.COMPLAINT:
            subject, text, story.answer = rng.choice(data.COMPLAINTS)
            return subject, f"{text}{who}。{model}"
        if spec.kind == Kind.TRAINING:
            subject, text, story.answer = rng.choice(data.TRAININGS)
            return subject, f"{text}{who}。"
        days = (self.today() - unit.purchased_on).days
        if spec.kind == Kind.RETURN:
            return (
                f"{unit.product.category.name}购买{days}天内申请退货",
                f"客户于{unit.purchased_on:%m月%d日}购买，使用中出现故障，要求按三包规定退货{who}。"
                f"{model}",
            )
        return (
            f"{unit.product.category.name}购买{days}天内申请换货",
            f"客户于{unit.purchased_on:%m月%d日}购买，开机即出现故障，要求按三包规定换货{who}。"
            f"{model}",
        )

    def acknowledge(self, story: _Story) -> None:
        services.add_comment(
            story.request,
            actor=self.actor(story),
            body=f"您好，您的服务请求已受理，工单号 {story.request.number}，"
            "我们会在2小时内与您联系，请保持电话畅通。",
            visibility=Visibility.PUBLIC,
        )

    def warranty_note(self, story: _Story) -> str:
        unit = story.unit
        if unit is None:
            return "已确认客户需求与联系人，安排处理。"
        state = warranty_dates(unit).status_on(self.today())
        bought = f"购于{unit.purchased_on:%Y-%m-%d}（{unit.sales_channel or '渠道不详'}）"
        if state == "expired":
            return (
                f"已核实购机信息：{bought}，已过保修期，已告知客户需收取上门费和配件费，客户同意。"
            )
        if story.spec.kind == Kind.INSTALLATION:
            return f"已核实购机信息：{bought}，新机首次安装，免费。"
        if state in ("return", "exchange"):
            return f"已核实购机信息：{bought}，在三包退换货期内。"
        return f"已核实购机信息：{bought}，在整机保修期内，免费维修。"

    def triage(self, story: _Story) -> None:
        spec, request = story.spec, story.request
        agent = self.actor(story)
        changes = {}
        if request.service_center_id is None and spec.mode in ("onsite", "depot"):
            changes["service_center"] = spec.center
            changes["team"] = self.team_for(spec.center)
        if (
            request.priority == Priority.LOW
            and spec.kind == Kind.REPAIR
            and self.rng.random() < 0.5
        ):
            changes["priority"] = Priority.NORMAL
        if changes:
            story.request = services.update_request(request, actor=agent, **changes)
        story.request = services.transition(
            story.request, actor=agent, to=Status.TRIAGED, note=self.warranty_note(story)
        )

    def assign(self, story: _Story) -> None:
        spec = story.spec
        request = story.request
        person = spec.assignee
        if request.service_center_id is None and spec.mode in ("onsite", "depot"):
            request = services.update_request(
                request,
                actor=self.dispatcher,
                service_center=spec.center,
                team=self.team_for(spec.center),
            )
        visit, slot = self.appointment(story)
        if spec.mode == "onsite":
            note = f"派单给{spec.center.name} {person}，预约{visit:%m月%d日}{slot}上门。"
            message = (
                f"已为您安排{spec.center.name}工程师{person}（电话 {person.phone}）"
                f"于{visit:%m月%d日}{slot}上门服务，请保持电话畅通。"
            )
        elif spec.mode == "depot":
            note = f"安排寄修/到店检测，由{spec.center.name} {person}处理。"
            message = (
                f"请将设备寄至或送至{spec.center.name}（{spec.center.address}，"
                f"电话 {spec.center.phone}），检测后我们会第一时间联系您。"
            )
        else:
            note = f"转{person}处理。"
            message = ""
        story.request = services.transition(
            request, actor=self.dispatcher, to=Status.ASSIGNED, assignee=person, note=note
        )
        if message:
            services.add_comment(
                story.request, actor=self.dispatcher, body=message, visibility=Visibility.PUBLIC
            )

    def appointment(self, story: _Story) -> tuple[datetime.date, str]:
        """The day and time slot of the visit: when the story's technician will arrive."""
        start = story.times.get("start")
        if start is None:  # not visited yet: book the next day
            return self.today() + DAY, self.rng.choice(["上午9:00-12:00", "下午13:00-17:00"])
        start = timezone.localtime(start, self.tz)
        return start.date(), "上午9:00-12:00" if start.hour < 12 else "下午13:00-18:00"

    def customer_reply(self, story: _Story) -> None:
        visit, slot = self.appointment(story)
        services.add_comment(
            story.request,
            actor=self.users["customer"],
            body=f"好的，{visit:%m月%d日}{slot[:2]}家里有人，麻烦师傅来之前打个电话。",
            visibility=Visibility.PUBLIC,
        )

    def chase(self, story: _Story) -> None:
        services.log_call(
            story.request,
            actor=self.actor(story),
            body="客户来电询问上门时间，已联系工程师确认，按预约时间上门。",
            direction=CallDirection.INBOUND,
            duration_minutes=self.rng.randint(1, 5),
        )

    def worker(self, story: _Story) -> User:
        return story.spec.assignee or self.actor(story)

    def start(self, story: _Story) -> None:
        mode = story.spec.mode
        note = {
            "onsite": "已到达客户现场，开始检测。",
            "depot": "已收到客户送修的设备，开始检测。",
            "remote": "已电话联系客户，开始远程排查。",
            "manager": "已联系客户了解情况，开始处理投诉。",
        }.get(mode, "开始处理。")
        story.request = services.transition(
            story.request, actor=self.worker(story), to=Status.IN_PROGRESS, note=note
        )
        if mode == "manager":
            services.log_call(
                story.request,
                actor=self.worker(story),
                body="致电客户致歉并了解详细经过，承诺24小时内给出处理方案。",
                direction=CallDirection.OUTBOUND,
                duration_minutes=self.rng.randint(5, 15),
            )

    def diagnose(self, story: _Story) -> None:
        spec = story.spec
        if spec.fault is None:
            return
        code, row = spec.fault
        worker = self.worker(story)
        story.request = services.update_request(
            story.request, actor=worker, diagnosis=code.kind, fault_codes=[code]
        )
        part = self.parts.get(row[6]) if row[6] else None
        body = f"检测结果：{code.component} — {code.symptom}（故障码 {code.code}）。"
        if part:
            body += f"需更换{part.name}（{part.part_number}）。"
        services.add_comment(story.request, actor=worker, body=body)

    def wait_for_parts(self, story: _Story) -> None:
        part = self.parts[story.spec.fault[1][6]]
        story.request = services.transition(
            story.request,
            actor=self.worker(story),
            to=Status.WAITING_PARTS,
            note=f"需更换{part.name}（{part.part_number}），网点暂无库存，已向备件中心申请，"
            "预计3个工作日到货。",
        )
        services.add_comment(
            story.request,
            actor=self.worker(story),
            body="配件已申请，到货后我们会第一时间联系您预约二次上门，给您带来不便敬请谅解。",
            visibility=Visibility.PUBLIC,
        )

    def parts_chased(self, story: _Story) -> None:
        services.add_comment(
            story.request,
            actor=self.dispatcher,
            body=f"已催备件中心，配件已发出，顺丰单号 SF{self.rng.randrange(10**12):012d}。",
        )

    def parts_arrived(self, story: _Story) -> None:
        story.request = services.transition(
            story.request,
            actor=self.worker(story),
            to=Status.IN_PROGRESS,
            note="备件已到货，已与客户约好时间二次上门更换。",
        )

    def wait_for_customer(self, story: _Story) -> None:
        spec = story.spec
        if spec.kind in (Kind.RETURN, Kind.EXCHANGE):
            reason = "需客户提供购机发票照片及外包装，等待客户回复。"
        elif spec.mode == "remote":
            reason = "已指导客户操作，等待客户操作后反馈结果。"
        elif spec.mode == "depot":
            reason = "等待客户寄出设备。"
        else:
            reason = self.rng.choice(
                ["客户临时外出，约定改日上门。", "需客户提供购机发票照片以确认保修。"]
            )
        story.request = services.transition(
            story.request, actor=self.worker(story), to=Status.WAITING_CUSTOMER, note=reason
        )

    def call_customer(self, story: _Story) -> None:
        services.log_call(
            story.request,
            actor=self.actor(story),
            body=self.rng.choice(
                [
                    "电话联系客户，客户表示这两天在外地，周末回来后再约。",
                    "电话未接通，已发送短信提醒客户回电。",
                    "客户已确认时间，约定后天上午处理。",
                ]
            ),
            direction=CallDirection.OUTBOUND,
            duration_minutes=self.rng.randint(0, 4),
        )

    def resume(self, story: _Story) -> None:
        story.request = services.transition(
            story.request,
            actor=self.worker(story),
            to=Status.IN_PROGRESS,
            note="客户已回复，继续处理。",
        )

    def resolve(self, story: _Story, *, again: bool = False) -> None:
        spec = story.spec
        unit = story.unit
        kind = spec.kind
        actor = self.worker(story)
        if kind == Kind.REPAIR:
            code, row = spec.fault
            resolution = {
                "remote": ResolutionType.REMOTE,
                "depot": ResolutionType.DEPOT,
            }.get(spec.mode, ResolutionType.ONSITE)
            if code.kind == "operation" and spec.mode == "remote":
                resolution = ResolutionType.ADVICE
            summary = row[5]
            part = self.parts.get(row[6]) if row[6] else None
            if part and code.kind == "hardware":
                summary += f"。更换配件：{part.name}（{part.part_number}）"
                if warranty_dates(unit).status_on(self.today()) == "expired" or part.is_consumable:
                    summary += f"，收取配件费 ¥{part.unit_price}"
            if again:
                again_label = {"remote": "再次远程协助", "depot": "返修"}.get(spec.mode, "二次上门")
                summary = f"{again_label}：{summary}，并检查相关部件，运行正常"
        elif kind == Kind.INSTALLATION:
            resolution = ResolutionType.ONSITE
            summary = "已完成安装调试，试机运行正常，已向客户讲解使用与保养方法。"
            assets.update_unit(unit, actor=actor, installed_on=self.today())
        elif kind == Kind.MAINTENANCE:
            resolution = ResolutionType.ONSITE
            _subject, _text, summary, _part = data.MAINTENANCE[unit.product.category.code]
        elif kind == Kind.RETURN:
            resolution = ResolutionType.REFUND
            summary = "经检测确认性能故障，符合三包退货条件，已办理退货退款。"
            assets.set_unit_status(
                unit, UnitStatus.RETURNED, actor=actor, reason=f"三包退货（{story.request.number}）"
            )
        elif kind == Kind.EXCHANGE:
            resolution = ResolutionType.EXCHANGE
            summary = "经检测确认主板故障，符合三包换货条件，已为客户更换新机。"
            assets.set_unit_status(
                unit, UnitStatus.REPLACED, actor=actor, reason=f"三包换货（{story.request.number}）"
            )
            replacement = self.register(
                spec.customer,
                unit.product,
                self.clock.now(),
                unit.sales_channel,
                invoice=unit.invoice_number,
                in_story=True,
                notes=f"换货新机，替换 {unit.serial_number}（{story.request.number}）",
            )
            summary += f"新机序列号 {replacement.serial_number}。"
        else:  # consultation, complaint, training
            resolution = ResolutionType.ADVICE
            summary = story.answer or "已解答客户问题。"
        story.request = services.transition(
            story.request,
            actor=actor,
            to=Status.RESOLVED,
            resolution_type=resolution,
            resolution_summary=summary,
        )

    def close(self, story: _Story) -> None:
        agent = self.actor(story)
        score = self.pick({5: 70, 4: 22, 3: 8})
        remark = {
            5: "客户确认问题已解决，对服务非常满意",
            4: "客户确认问题已解决，比较满意，建议上门前提前电话联系",
            3: "客户确认问题已解决，对等待时间不太满意",
        }[score]
        services.log_call(
            story.request,
            actor=agent,
            body=f"回访：{remark}（满意度 {score} 分）。",
            direction=CallDirection.OUTBOUND,
            duration_minutes=self.rng.randint(1, 4),
        )
        story.request = services.transition(
            story.request,
            actor=agent,
            to=Status.CLOSED,
            note=f"回访完成，满意度 {score} 分，关闭工单。",
        )

    def reopen(self, story: _Story) -> None:
        agent = self.actor(story)
        reason = self.rng.choice(data.REOPEN_REASONS)
        services.log_call(
            story.request,
            actor=agent,
            body=f"客户来电：{story.spec.fault[0].symptom}，问题又出现了。",
            direction=CallDirection.INBOUND,
            duration_minutes=self.rng.randint(2, 8),
        )
        story.request = services.transition(
            story.request, actor=agent, to=Status.IN_PROGRESS, note=reason
        )

    def cancel(self, story: _Story) -> None:
        request = story.request
        if story.spec.customer.pk == self.demo_customer.pk and request.status == Status.NEW:
            actor, reason = self.users["customer"], "已经好了，不需要上门了，谢谢。"
        else:
            actor = self.actor(story)
            reason = self.rng.choice(
                data.CANCEL_REASONS[-1:]
                if story.spec.kind == Kind.INSTALLATION
                else data.CANCEL_REASONS[:-1]
            )
        story.request = services.transition(request, actor=actor, to=Status.CANCELLED, note=reason)
