"""Demo data (`manage.py load_demo`): a maker of home appliances and phones and its
after-sales service, as a Chinese service manager would recognise it.

Everything that has rules goes through the real services: customers and contacts
(`customers.services`), units (`assets.services`), service requests, their transitions,
comments and calls (`service.services`), quotes and charges (`service.quotes`), warranty
policies, plans, extended and supplier cover, contracts and vendor claims
(`warranty.services`), so demo data obeys the same rules as real data: each request's
warranty decision is the one the rules made when it came in. The catalog, the service
network and the staff, which have no services of their own yet, are written directly
with the ORM (the users after their own validation).

Besides requests in every status, the demo holds a unit in every warranty situation
(`demo_data.WARRANTY_CASES`: return and exchange windows, repair warranty, just
expired, extended warranty, contract, unknown purchase date, repeated failed repairs,
repair days that extend the warranty, exclusions, supplier cover), contracts in every
status, and quotes in every status.

Field work: partner fee rates (`settlement.save_rate`); partner visits of the past done
the real way (booked, travelled to, checked in, checked out with a signature through
`dispatch.services`, so the signed form is filed and mailed and the partner's fee
accrues); the demo technician's visits today in route order; and tomorrow's visits for
every open request that needs one, a few of which planning cannot place and explains
(`demo_data.TOMORROW_HARD_CASES`).

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
import io
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
from django.db.models import F
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
from aftersales.dispatch import services as dispatch
from aftersales.dispatch.models import Visit
from aftersales.field import services as network
from aftersales.field.models import ServiceCenter, SkillLevel, Technician, TechnicianSkill
from aftersales.notifications import services as notifications
from aftersales.notifications.models import OutboundMessage
from aftersales.notifications.models import Status as MessageStatus
from aftersales.service import quotes, services
from aftersales.service.choices import (
    CallDirection,
    Channel,
    Diagnosis,
    Kind,
    Priority,
    ResolutionType,
    Status,
    Visibility,
)
from aftersales.service.models import ServiceRequest
from aftersales.service.quotes import AnswerVia, LineInput
from aftersales.settlement import services as settlement
from aftersales.settlement.models import FeeRate
from aftersales.sla import services as sla
from aftersales.warranty import services as warranty
from aftersales.warranty.dates import add_months
from aftersales.warranty.decision import CHARGEABLE, FREE
from aftersales.warranty.models import (
    ChargeStatus,
    ClaimStatus,
    ExtendedWarranty,
    FaultCause,
    LineKind,
    PaymentMethod,
    Quote,
    QuoteStatus,
    ServicePlan,
    SupplierWarranty,
    WarrantyPolicy,
)

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

# How many requests end in each status (besides the featured stories: the demo logins'
# own and the warranty cases, mostly closed).
STATUS_PLAN = {
    Status.NEW: 14,
    Status.TRIAGED: 10,
    Status.ASSIGNED: 12,
    Status.IN_PROGRESS: 13,
    Status.WAITING_CUSTOMER: 7,
    Status.WAITING_PARTS: 9,
    Status.RESOLVED: 11,
    Status.CLOSED: 36,
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
MINUTE = datetime.timedelta(minutes=1)
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
    if ServicePlan.objects.filter(code__in=[row[0] for row in data.SERVICE_PLANS]).exists():
        clashes.append(_("demo service plans"))
    if WarrantyPolicy.objects.filter(category=None, product=None).exists():
        clashes.append(_("a default warranty policy"))
    if clashes:
        raise DemoDataExists(
            _(
                "The database already has %(what)s; load_demo fills a fresh database only. "
                "Use --if-empty to skip quietly, or start from an empty database."
            )
            % {"what": ", ".join(str(clash) for clash in clashes)}
        )


def _hold(*args, **kwargs) -> None:
    """Stands in for `enqueue` while the demo's past is written."""


def load_demo(*, seed: int = DEFAULT_SEED, now: datetime.datetime | None = None) -> DemoSummary:
    """Build the demo world in one transaction; nothing is written if any step fails."""
    with transaction.atomic():
        check_can_load()
        builder = _Builder(random.Random(seed), now or timezone.now())
        # The story's messages were written to the outbox as it happened; they were sent
        # then, not now: nothing is handed to the mail server while the demo is built.
        with builder.clock.running(), mock.patch.object(notifications, "enqueue", _hold):
            builder.build()
        OutboundMessage.objects.filter(status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENT, sent_at=F("created_at"), attempts=1, next_attempt_at=None
        )
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
    customer: Customer | None  # None until a featured story's customer is created
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
    # Featured stories tell more precisely what happens:
    cause: str = ""  # the fault's cause the engineer finds ("": the usual one for the fault)
    subject: str = ""
    text: str = ""
    summary: str = ""
    resolution: str = ""
    wait_reason: str = ""
    quote: str = ""  # what becomes of a quote: draft, sent, accepted, declined, withdrawn
    parts_days: float | None = None  # how long the parts take
    claim: str = ""  # how far the vendor recovery claim gets: submitted or paid
    diagnosed: bool = False  # diagnosed also when the story ends in progress


@dataclass
class _Story:
    spec: _Spec
    steps: list[_Step] = field(default_factory=list)
    request: ServiceRequest | None = None
    unit: Unit | None = None
    answer: str = ""  # the resolution of a consultation, complaint or training
    times: dict[str, datetime.datetime] = field(default_factory=dict)  # named steps' times
    quote: Quote | None = None  # the quote for chargeable work, as last changed
    visit: Visit | None = None  # the partner technician's visit, while on site


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
        self.company_by_name: dict[str, Customer] = {}
        self.reserved: set[int] = set()  # units of featured stories, not for random ones

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
        self.warranty_terms()
        self.fee_rates()
        self.customers()
        self.extended_warranties()
        self.requests()
        self.visits_for_today()
        self.visits_for_tomorrow()
        self.stock_returns_and_care()
        self.before_the_customer_calls()

    def before_the_customer_calls(self) -> None:
        """Remote monitoring's rules and readings, preventive maintenance plans with the
        coming month's visits, and training from certification to user courses (each
        app's own demo, through its services)."""
        from aftersales.iot import demo as iot_demo
        from aftersales.maintenance import demo as maintenance_demo
        from aftersales.training import demo as training_demo

        today = timezone.localdate(self.clock.now())
        self.created.update(iot_demo.load(self.manager, self.clock.now()))
        self.created.update(maintenance_demo.load(self.manager, today))
        self.created.update(training_demo.load(self.manager, self.clock))

    def stock_returns_and_care(self) -> None:
        """Stock at the warehouse, centers and vans; the returns' deduction and trade-in
        tables; complaint records of the complaint requests; knowledge articles; requests
        from the mailbox, the help form, WeChat and SMS; and today's care campaigns (each
        app's own demo, through its services)."""
        from aftersales.care import services as care
        from aftersales.care.models import CampaignKind
        from aftersales.complaints import demo as complaints_demo
        from aftersales.inbox import demo as inbox_demo
        from aftersales.intake import demo as intake_demo
        from aftersales.kb import demo as kb_demo
        from aftersales.parts import demo as parts_demo
        from aftersales.returns import demo as returns_demo

        parts_demo.load(self.manager)
        returns_demo.load(self.manager)
        complaints_demo.load(self.manager)
        kb_demo.load(self.manager)
        # Requests that came in by themselves: mail, the help form, WeChat and SMS.
        inbox_demo.load()
        intake_demo.load()
        self.follow_up_calls()
        today = timezone.localdate(self.clock.now())
        for kind in (CampaignKind.WARRANTY_EXPIRY, CampaignKind.DELIVERY_CHECK_IN):
            campaign = care.draw(kind, today, actor=self.manager)
            self.created["campaigns"] += 1
            self.created["campaign_targets"] += campaign.target_count

    def follow_up_calls(self) -> None:
        """Closed requests had their follow-up call when it was due: the customer was
        reached and satisfied (most of the time); the rest are still to call."""
        from aftersales.followup import services as followup
        from aftersales.followup.models import FollowUp
        from aftersales.followup.models import Status as CallStatus

        now = self.clock.now()
        due = FollowUp.objects.filter(
            status=CallStatus.OPEN, request__status=Status.CLOSED, due_at__lt=now
        ).select_related("request")
        for call in due.order_by("due_at"):
            self.clock.set(call.due_at - datetime.timedelta(hours=self.rng.randint(1, 6)))
            followup.record(call, self.support[0], result="reached", solved=True,
                            satisfaction=self.rng.choice((3, 4, 5, 5, 5)))  # fmt: skip
            self.created["follow_up_calls"] += 1
        self.clock.set(now)

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
        for center in self.centers.values():
            # Each center covers its own city; capacity grows with its size.
            own = center.kind == "own"
            center.opening_hours = "周一至周六 8:30–18:00" if own else "每天 9:00–19:00"
            center.daily_capacity = 40 if own else 15
            network.save_center(
                center,
                actor=None,
                coverage=[network.Coverage(city=center.city, province=center.province)],
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
        self.technicians()
        self.agents = [user for user in self.users.values() if user.role == Role.AGENT]
        self.support = [self.users["hemin"], self.users["agent"]]
        self.dispatcher = self.users["dispatcher"]
        self.manager = self.users["manager"]
        self.password = password

    def technicians(self) -> None:
        """A technician profile for everyone who goes out to customers: home center,
        skills in the appliance categories (air conditioners for all), a level each."""
        field_people = [
            user
            for user in self.users.values()
            if user.role in (Role.TECHNICIAN, Role.PARTNER) and user.service_center_id
        ]
        levels = [SkillLevel.CERTIFIED, SkillLevel.SENIOR, SkillLevel.EXPERT]
        # A generator of its own, so that adding technicians left the stories unchanged.
        rng = random.Random(len(field_people))
        for user in field_people:
            others = rng.sample(["FRIDGE", "WASHER", "HEATER", "PHONE"], 2)
            network.save_technician(
                Technician(user=user, home_center=user.service_center, phone=user.phone),
                actor=None,
                skills=[
                    network.Skill(self.categories[code], rng.choice(levels))
                    for code in ["AC", *others]
                ],
            )
        self.created.update(technicians=len(field_people))

    def fee_rates(self) -> None:
        """The partner fee schedule (网点结算), through the settlement rules, valid from a
        year back so that every partner visit of the demo's past earns its fee."""
        today = self.today()
        valid_from = datetime.date(today.year - 1, today.month, 1)
        for center, kind, category, amount in data.FEE_RATES:
            settlement.save_rate(
                FeeRate(
                    center=self.centers[center] if center else None,
                    kind=kind,
                    category=self.categories[category] if category else None,
                    amount=Decimal(amount),
                    valid_from=valid_from,
                ),
                self.manager,
            )
        self.created["fee_rates"] = len(data.FEE_RATES)

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
            # Companies with service contracts bought their first units well before.
            units += [(sku, days, dealer) for sku, days in data.COMPANY_UNITS.get(name, [])]
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
            self.company_by_name[name] = company
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
        purchased_on: datetime.date | None = None,
        warranty_starts_on: datetime.date | None = None,
        track: bool = True,
    ) -> Unit:
        """Register a unit bought (or, given in exchange, handed over) at `when`.

        Units bought in the past are registered once delivered (and installed, if they
        need it); a unit bought during a request's story is registered at once, delivered
        the same day and installed later by that story's installation visit. A unit given
        in exchange keeps the original `purchased_on` and starts its warranty anew.
        Units not `track`ed are left out of random stories (featured stories have them).
        """
        rng = self.rng
        day = timezone.localtime(when, self.tz).date()
        bought = purchased_on or day
        today = timezone.localtime(self.now, self.tz).date()
        online = "店" not in channel or "旗舰店" in channel
        delivered = day + DAY * (rng.randint(1, 3) if online and not in_story else 0)
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
            serial_number=self.serial(product, day - DAY * rng.randint(20, 90)),
            product=product,
            customer=customer,
            purchased_on=bought,
            sales_channel=channel,
            invoice_number=invoice or "",
            delivered_on=delivered,
            installed_on=installed,
            warranty_starts_on=warranty_starts_on,
            notes=notes,
        )
        if track:
            self.units.append(unit)
        else:
            self.reserved.add(unit.pk)
        self.created["units"] += 1
        return unit

    # -- warranty terms, cover and contracts ---------------------------------------------------

    def warranty_terms(self) -> None:
        """三包 policies, service plans and back-to-back cover, in force since before the
        oldest unit was sold."""
        self.clock.set(self.now - 1600 * DAY)
        manager = self.manager
        for scope, name, terms, components, notes in data.WARRANTY_POLICIES:
            policy = WarrantyPolicy(name=name, notes=notes, **terms)
            if scope in self.categories:
                policy.category = self.categories[scope]
            elif scope:
                policy.product = self.products[scope]
            warranty.save_policy(
                policy,
                actor=manager,
                terms=[warranty.ComponentTerm(part, months) for part, months in components],
            )
        self.plans: dict[str, ServicePlan] = {}
        for row in data.SERVICE_PLANS:
            code, name, rank, response, resolution, onsite, visits, promise, wear, price = row
            self.plans[code] = warranty.save_plan(
                ServicePlan(
                    code=code,
                    name=name,
                    rank=rank,
                    response_hours=response,
                    resolution_hours=resolution,
                    onsite_hours=onsite,
                    pm_visits_per_year=visits,
                    parts_promise=promise,
                    covers_repairs=True,
                    covers_wear=wear,
                    price=Decimal(price),
                ),
                actor=manager,
            )
            # Each plan's promises become its service-level policy (gold: around the clock).
            sla.ensure_policy_for_plan(self.plans[code])
        for supplier, sku, part, component, months, counts, labour, notes in data.SUPPLIER_COVER:
            warranty.save_supplier_warranty(
                SupplierWarranty(
                    supplier=supplier,
                    product=self.products[sku],
                    spare_part=self.parts[part] if part else None,
                    component=component,
                    months=months,
                    counts_from=counts,
                    labour_rate=Decimal(labour),
                    notes=notes,
                ),
                actor=manager,
            )
        self.created.update(
            warranty_policies=len(data.WARRANTY_POLICIES),
            service_plans=len(self.plans),
            supplier_warranties=len(data.SUPPLIER_COVER),
        )

    def extended_warranties(self) -> None:
        """Some customers buy an extended warranty (or Care+ for a phone) with their unit."""
        for unit in list(self.units):
            category = unit.product.category.code
            if (
                category not in data.EXTENDED_WARRANTIES
                or unit.customer_id in self.company_ids
                or unit.customer_id == self.demo_customer.pk
                or self.rng.random() >= 0.08
            ):
                continue
            self.clock.set(min(unit.created_at + 10 * datetime.timedelta(minutes=1), self.now))
            self.add_cover(unit)

    def add_cover(self, unit: Unit) -> ExtendedWarranty:
        """The category's extended warranty, sold with the unit (recorded by an agent)."""
        name, after, months, accidental, price = data.EXTENDED_WARRANTIES[
            unit.product.category.code
        ]
        bought = unit.purchased_on
        starts = add_months(bought, after) + DAY * (1 if after else 0)
        self.created["extended_warranties"] += 1
        return warranty.add_extended_warranty(
            unit,
            actor=self.rng.choice(self.agents),
            name=name,
            reference=f"YB{bought:%Y%m%d}{self.created['extended_warranties']:04d}",
            starts_on=starts,
            ends_on=add_months(bought, after + months),
            covers_accidental_damage=accidental,
            price=Decimal(price),
        )

    def contract_actions(self) -> list[tuple[datetime.datetime, Callable[[], None]]]:
        """What happens to the demo contracts and when: quoted, accepted, declined, renewed,
        cancelled, and the nightly run (`update_contracts`) that activates and expires them."""
        today = timezone.localtime(self.now, self.tz).date()
        actions: list[tuple[datetime.datetime, Callable[[], None]]] = []
        nights: set[datetime.date] = set()
        for row in data.CONTRACTS:
            actions += self.contract_story(row, today, nights)
        latest = self.now - datetime.timedelta(minutes=30)
        for night in sorted(nights):
            when = self.local(night, 0, 30)
            if night <= today and when <= latest:
                actions.append((when, lambda night=night: warranty.update_contracts(today=night)))
        self.created["contracts"] = len(data.CONTRACTS) + sum(
            1 for row in data.CONTRACTS if row[2] == "renewed"
        )
        return actions

    def contract_story(
        self, row: tuple, today: datetime.date, nights: set[datetime.date]
    ) -> list[tuple[datetime.datetime, Callable[[], None]]]:
        """The timed steps of one contract of `data.CONTRACTS`, and the nights on which the
        daily run has something to do for it."""
        company, plan, fate, start, months, categories, notes, reason = row
        customer = self.company_by_name[company]
        plan = self.plans[plan]
        starts_on = today + DAY * start
        ends_on = warranty.default_end(starts_on, months)
        manager = self.manager
        held: dict[str, object] = {}

        def day_of(when: datetime.datetime) -> datetime.date:
            return timezone.localtime(when, self.tz).date()

        def quote() -> None:
            units = []
            if categories:
                quoted_on = self.today()
                units = [
                    unit
                    for unit in self.units
                    if unit.customer_id == customer.pk
                    and unit.product.category.code in categories
                    and unit.purchased_on < quoted_on
                ]
            held["contract"] = warranty.create_contract(
                actor=manager,
                customer=customer,
                plan=plan,
                starts_on=starts_on,
                ends_on=ends_on,
                all_units=not categories,
                units=units,
                notes=notes,
            )

        def accept() -> None:
            held["contract"] = warranty.accept_contract(
                held["contract"], actor=manager, note="客户已盖章回传合同。", today=self.today()
            )

        def decline() -> None:
            warranty.decline_contract(
                held["contract"], actor=manager, note=reason, today=self.today()
            )

        def renew() -> None:
            held["renewal"] = warranty.renew_contract(
                held["contract"], actor=manager, today=self.today()
            )

        def accept_renewal() -> None:
            warranty.accept_contract(
                held["renewal"], actor=manager, note="客户确认续约。", today=self.today()
            )

        def cancel() -> None:
            warranty.cancel_contract(
                held["contract"], actor=manager, reason=reason, today=self.today()
            )

        def at(day: datetime.date, hour: int) -> datetime.datetime:
            return self.local(day, hour, self.rng.randrange(60))

        steps = [(at(starts_on - 25 * DAY, 10), quote)]
        if fate == "declined":
            steps.append((at(starts_on - 15 * DAY, 15), decline))
        elif fate != "quote":
            steps.append((at(starts_on - 13 * DAY, 15), accept))
            nights.add(starts_on)
        if fate == "expired":
            nights.add(ends_on + DAY)
        elif fate == "renewed":
            steps.append((at(ends_on - 45 * DAY, 11), renew))
            steps.append((at(ends_on - 25 * DAY, 16), accept_renewal))
            nights.add(ends_on + DAY)
        elif fate == "cancelled":
            steps.append((at(today - 60 * DAY, 14), cancel))
        for when, _run in steps:
            if day_of(when) > today:  # a mistake in the demo's tables
                raise RuntimeError(f"demo contract of {company} has a step after today")
        return steps

    # -- requests --------------------------------------------------------------------------------

    def requests(self) -> None:
        stories = [self.story(spec) for spec in self.featured()]
        stories += self.warranty_stories()
        for final, count in STATUS_PLAN.items():
            for _index in range(count):
                stories.append(self.story(self.spec(final)))
        # Contracts are quoted, accepted, renewed… on their own days, between the requests.
        timed = [
            (when, -1, index, _Step(datetime.timedelta(0), run))
            for index, (when, run) in enumerate(self.contract_actions())
        ]
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
        # The featured warranty stories brought customers of their own.
        self.created["customers"] = Customer.objects.count()

    def waiting_for_a_visit(self):
        return (
            ServiceRequest.objects.open()
            .filter(needs_visit=True, visits=None, service_center__isnull=False)
            .exclude(status=Status.IN_PROGRESS)
            .select_related("service_center", "customer", "unit__product__category")
            .order_by("id")
        )

    def near(self, center: ServiceCenter, rng: random.Random, spread: float = 0.08):
        """A customer's position: a point around their service center."""
        if center.latitude is None:
            return None
        return (
            round(float(center.latitude) + rng.uniform(-spread, spread), 6),
            round(float(center.longitude) + rng.uniform(-spread * 1.25, spread * 1.25), 6),
        )

    def can_do(self, technician: Technician, request: ServiceRequest) -> bool:
        """The technician has a skill for the request's unit (or it has none)."""
        if request.unit_id is None:
            return True
        return TechnicianSkill.objects.filter(
            technician=technician,
            category_id__in=network.category_and_ancestors(request.unit.product.category),
        ).exists()

    def visits_for_today(self) -> None:
        """The demo technician's day: a few of his own booked requests, scheduled for
        today in route order, for his phone's "My visits"."""
        self.clock.set(self.now)
        rng = random.Random(11)
        today = self.today()
        user = self.users["tech"]
        technician = Technician.objects.get(user=user)
        mine = [
            request
            for request in self.waiting_for_a_visit().filter(
                assignee=user, status=Status.ASSIGNED, service_center=user.service_center
            )
            if self.can_do(technician, request)
        ]
        # Customers with an email first: the signed form of the first visit arrives by mail.
        mine.sort(key=lambda request: (not request.customer.email, request.pk))
        for order, (request, (hour, minute)) in enumerate(
            zip(mine, data.TECH_TODAY, strict=False), start=1
        ):
            visit = dispatch.create_visit(
                request,
                actor=self.dispatcher,
                center=request.service_center,
                duration_minutes=rng.choice([45, 60, 90]),
                day=today,
                location=self.near(request.service_center, rng, 0.05),
            )
            dispatch.schedule(
                visit,
                actor=self.dispatcher,
                technician=technician,
                planned_start=self.local(today, hour, minute),
                sequence=order,
            )
            self.created["visits"] += 1

    def visits_for_tomorrow(self) -> None:
        """Every open request that needs a visit and has none gets one for tomorrow, not
        yet planned: the dispatcher plans the day on the board. Where the customer is, is
        a point around their service center; a third agreed a morning or afternoon. A few
        (`data.TOMORROW_HARD_CASES`) cannot be placed, and the board says why."""
        self.clock.set(self.now)
        rng = random.Random(7)
        tomorrow = timezone.localdate(self.now) + datetime.timedelta(days=1)
        hard = {code: list(cases) for code, cases in data.TOMORROW_HARD_CASES.items()}
        for request in self.waiting_for_a_visit():
            center = request.service_center
            location = self.near(center, rng)
            window = None
            if rng.random() < 1 / 3:
                start_hour = rng.choice([9, 14])
                window = (
                    self.local(tomorrow, start_hour),
                    self.local(tomorrow, start_hour + 3),
                )
            duration = rng.choice([45, 60, 90])
            case = hard[center.code].pop(0) if hard.get(center.code) else None
            if case:
                services.add_comment(request, actor=self.dispatcher, body=case["note"])
                if "window" in case:
                    start_hour, end_hour = case["window"]
                    window = (self.local(tomorrow, start_hour), self.local(tomorrow, end_hour))
                duration = case.get("duration", duration)
                location = case.get("location", location)
            dispatch.create_visit(
                request,
                actor=self.dispatcher,
                center=center,
                window=window,
                duration_minutes=duration,
                day=tomorrow,
                location=location,
            )
            self.created["visits"] += 1

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
            and unit.pk not in self.reserved
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

    # -- featured warranty stories ----------------------------------------------------------

    def warranty_stories(self) -> list[_Story]:
        """A unit in every warranty situation, each with the request that shows it."""
        stories = []
        for case in data.WARRANTY_CASES:
            stories += self.warranty_case(case)
        return stories

    def warranty_case(self, case: dict) -> list[_Story]:
        """The case's request (and the unit's earlier repairs, if any) as stories.

        The unit is bought `age` days before the day the request comes in, so the stories
        are planned first and the customer and unit made to fit the day they open.
        """
        customer = None
        if "demo_customer" in case:
            customer = self.demo_customer
        elif "company" in case:
            customer = self.company_by_name[case["company"]]
        main = _Spec(
            case["final"],
            case.get("kind", Kind.REPAIR),
            customer,
            channel=case.get("channel", Channel.PHONE),
            mode=case.get("mode", "onsite"),
            recency=(case["days_ago"] + self.rng.uniform(-0.4, 0.4)) * 24,
            cause=case["cause"],
            subject=case.get("subject", ""),
            text=case.get("text", ""),
            summary=case.get("summary", ""),
            resolution=case.get("resolution", ""),
            wait_reason=case.get("wait", ""),
            quote=case.get("quote", ""),
            parts_days=case.get("parts_days"),
            claim=case.get("claim", ""),
            reopen=case.get("reopen", False),
            diagnosed=True,
        )
        main.waits_for_parts = main.parts_days is not None or main.final == Status.WAITING_PARTS
        specs = [(main, case["fault"])]
        for code, before, parts in case.get("earlier", ()):
            earlier = _Spec(
                Status.CLOSED,
                Kind.REPAIR,
                customer,
                recency=(case["days_ago"] + before) * 24,
                parts_days=parts,
                waits_for_parts=parts is not None,
            )
            specs.append((earlier, code))
        stories = [self.story(spec) for spec, _code in specs]
        opened = [self.opened_at(story) for story in stories]
        if customer is self.demo_customer:
            unit = next(
                u
                for u in self.units
                if u.customer_id == customer.pk and u.product.category.code == case["demo_customer"]
            )
        elif customer is not None:
            unit = self.company_unit(customer, case["sku"], case["bought_days_ago"])
        else:
            customer, unit = self.case_customer(case, opened[0], min(opened))
        for (spec, code), story, when in zip(specs, stories, opened, strict=True):
            spec.customer = customer
            spec.unit = story.unit = unit
            self.field_repair(spec, code)
            spec.mode = case.get("mode", "onsite")
            spec.channel = case.get("channel", Channel.PHONE) if spec is main else Channel.PHONE
            if unit.purchased_on and unit.purchased_on > timezone.localtime(when, self.tz).date():
                raise RuntimeError(f"demo case {case['key']}: the unit is bought after the call")
        return stories

    def opened_at(self, story: _Story) -> datetime.datetime:
        """When the story's request will come in (the schedule is the same every time)."""
        return next(when for when, step in self.schedule(story) if step.name == "open")

    def company_unit(self, company: Customer, sku: str, days: int) -> Unit:
        """The company's unit of `data.COMPANY_UNITS`, kept for its featured story."""
        bought = self.now.date() - datetime.timedelta(days=days)
        unit = next(
            u
            for u in self.units
            if u.customer_id == company.pk and u.product.sku == sku and u.purchased_on == bought
        )
        self.reserved.add(unit.pk)
        return unit

    def case_customer(
        self, case: dict, opened: datetime.datetime, first: datetime.datetime
    ) -> tuple[Customer, Unit]:
        """A customer of the case's own, who bought the unit `age` days before `opened`
        (or, purchase date unknown, registers it when first calling)."""
        name, place_index = case["customer"]
        place = data.PLACES[place_index]
        product = self.products[case["sku"]]
        age = case["age"]
        if age is None:
            when = first - 20 * datetime.timedelta(minutes=1)
        else:
            day = timezone.localtime(opened, self.tz).date() - DAY * age
            when = self.local(day, self.rng.randint(10, 18), self.rng.randrange(60))
        self.clock.set(when)
        customer = customers.create_customer(
            actor=self.rng.choice(self.agents),
            name=name,
            phone=self.spelled(self.mobile()),
            address=self.address(place),
            province=place[0],
            city=place[1],
            district=place[2],
        )
        self.place_of[customer.pk] = place
        if age is None:
            unit = assets.register_unit(
                actor=self.rng.choice(self.agents),
                serial_number=self.serial(product, timezone.localdate(when, self.tz) - 800 * DAY),
                product=product,
                customer=customer,
                notes="客户无购机发票，购买日期不详。",
            )
            self.reserved.add(unit.pk)
            self.created["units"] += 1
        else:
            unit = self.register(customer, product, when, case["sold"], track=False)
            if case.get("extended"):
                self.add_cover(unit)
        return customer, unit

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
            # return or exchange within the 三包 windows (7 and 15 days, counted in whole
            # days: bought by 21:00, reported within 6.5 days is reported by day 7).
            step((0, 1), lambda: self.buy(story), hours=(9, 21))
            days = {Kind.INSTALLATION: (1, 3), Kind.RETURN: (2, 6.5)}.get(spec.kind, (3, 11))
            lag = (days[0] * 1440, days[1] * 1440)
        else:
            lag = (0, 1)
        step(lag, lambda: self.open(story), hours=self.intake_hours(spec), name="open")
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
        if spec.customer is not None and spec.customer.pk == self.demo_customer.pk:
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
            if rng.random() < 0.6 or spec.diagnosed:
                step((15, 60), lambda: self.diagnose(story))
            return story
        step((15, 60), lambda: self.diagnose(story))
        if final == Status.WAITING_PARTS or spec.waits_for_parts:
            step((10, 40), lambda: self.wait_for_parts(story))
            if final == Status.WAITING_PARTS:
                if rng.random() < 0.6:
                    step((1000, 2500), lambda: self.parts_chased(story))
                return story
            wait = (2000, 6000)
            if spec.parts_days is not None:
                wait = (spec.parts_days * 1440, spec.parts_days * 1440 + 600)
            step(wait, lambda: self.parts_arrived(story))
        if final == Status.WAITING_CUSTOMER or spec.waits_for_customer:
            step((10, 60), lambda: self.wait_for_customer(story))
            step((60, 600), lambda: self.call_customer(story), hours=(9, 21))
            if final == Status.WAITING_CUSTOMER:
                return story
            step((600, 2880), lambda: self.resume(story))
        step((30, 150), lambda: self.resolve(story), name="resolve")
        if final == Status.RESOLVED:
            return story
        step((1440, 4320), lambda: self.close(story))
        if spec.reopen:
            step((1440, 7200), lambda: self.reopen(story), hours=(8, 21))
            step((600, 2880), lambda: self.resolve(story, again=True))
            step((1440, 4320), lambda: self.close(story))
        if spec.claim:  # the manager claims back what the repair cost from the supplier
            step((1440, 4320), lambda: self.move_claims(story, ClaimStatus.SUBMITTED))
            if spec.claim == ClaimStatus.PAID:
                step((7200, 14400), lambda: self.move_claims(story, ClaimStatus.ACCEPTED))
                step((4320, 10080), lambda: self.move_claims(story, ClaimStatus.PAID))
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
        subject = spec.subject or subject
        if spec.text:
            description = f"{spec.text}型号 {unit.product.sku}，序列号 {unit.serial_number}。"
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
            "needs_visit": spec.mode == "onsite",
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
        """What the agent tells colleagues about the warranty, from the request's decision."""
        unit = story.unit
        if unit is None:
            return "已确认客户需求与联系人，安排处理。"
        if unit.purchased_on is None:
            bought = "客户无购机发票，购买日期不详"
        else:
            bought = f"购于{unit.purchased_on:%Y-%m-%d}（{unit.sales_channel or '渠道不详'}）"
        if story.spec.kind == Kind.INSTALLATION:
            return f"已核实购机信息：{bought}，新机首次安装，免费。"
        decision = story.request.entitlement or {}
        status = decision.get("warranty_status")
        remedies = decision.get("eligible_remedies", [])
        ends = decision.get("warranty_ends_on")
        if status == "unknown":
            return f"{bought}，暂按保外处理，已请客户提供发票照片以确认保修。"
        if status == "contract":
            contract, plan = decision["contract"], decision["plan"]
            return (
                f"已核实购机信息：{bought}，在服务合同 {contract['number']}（{plan['name']}）"
                f"保障期内，免费维修，按合同要求{plan['onsite_hours']}小时内上门。"
            )
        if status == "extended":
            cover = decision["extended_warranty"]
            return f"已核实购机信息：{bought}，在{cover['name']}期内（至{ends}），免费维修。"
        if status == "expired" and decision.get("repair_charge") == FREE:
            return f"已核实购机信息：{bought}，整机保修期已过，该机型质量问题终身免费维修。"
        if status == "expired":
            return (
                f"已核实购机信息：{bought}，已过保修期（{ends}到期），已告知客户需收费维修，"
                "工程师检测后报价。"
            )
        if "refund" in remedies:
            return f"已核实购机信息：{bought}，在三包退货期内，可退货、换货或免费维修。"
        if "exchange" in remedies:
            return f"已核实购机信息：{bought}，在三包换货期内，可换货或免费维修。"
        return f"已核实购机信息：{bought}，在保修期内（至{ends}），免费维修。"

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

    # -- a partner technician's visit, the real way: fees accrue at check-out ---------------

    def visited_by_partner(self, story: _Story) -> bool:
        """Field work of a partner center finished on the day the technician arrived is
        done as a visit on the phone (checked in, checked out with a signature)."""
        spec = story.spec
        if (
            spec.center is None
            or spec.center.kind != ServiceCenter.Kind.PARTNER
            or spec.mode != "onsite"
            or spec.kind not in (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE)
            or spec.final not in (Status.RESOLVED, Status.CLOSED)
            or spec.waits_for_parts
            or spec.waits_for_customer
            or spec.assignee is None
            or story.unit is None
        ):
            return False
        arrive, done = story.times.get("start"), story.times.get("resolve")
        if arrive is None or done is None:
            return False
        if timezone.localdate(arrive, self.tz) != timezone.localdate(done, self.tz):
            return False
        technician = Technician.objects.filter(user=spec.assignee).first()
        return technician is not None and self.can_do(technician, story.request)

    def arrive(self, story: _Story) -> None:
        """Booked by the dispatcher, travelled to and checked in at the story's start."""
        spec, request = story.spec, story.request
        worker = spec.assignee
        technician = Technician.objects.get(user=worker)
        rng = random.Random(request.pk)
        arrive = self.clock.now()
        location = self.near(spec.center, rng, 0.05)
        self.clock.set(arrive - 50 * MINUTE)
        visit = dispatch.create_visit(
            request,
            actor=self.dispatcher,
            center=spec.center,
            duration_minutes=rng.choice([45, 60, 90]),
            day=timezone.localdate(arrive, self.tz),
            location=location,
        )
        visit = dispatch.schedule(
            visit, actor=self.dispatcher, technician=technician, planned_start=arrive, sequence=1
        )
        self.clock.set(arrive - rng.randint(20, 45) * MINUTE)
        visit = dispatch.start_travel(visit, worker)
        self.clock.set(arrive)
        story.visit = dispatch.check_in(visit, worker, *(location or (None, None)))
        story.request.refresh_from_db()
        self.created["visits"] += 1

    def check_out(self, story: _Story, work_done: str) -> None:
        """Work done, rated and signed on the phone: the signed service form goes to the
        customer and the partner's fee accrues (`settlement.accrue`)."""
        request = story.request
        rng = random.Random(request.pk)
        contact = getattr(request, "contact", None)
        visit = story.visit
        dispatch.check_out(
            visit,
            story.spec.assignee,
            work_done=work_done,
            first_time_fix=True,
            customer_comment=rng.choice(data.CUSTOMER_COMMENTS),
            customer_rating=rng.choice([5, 5, 5, 4]),
            signed_by=getattr(contact, "name", "") or request.customer.name,
            signature_png_bytes=self.signature(),
            latitude=visit.latitude,
            longitude=visit.longitude,
        )
        story.visit = None
        story.request.refresh_from_db()

    def signature(self) -> bytes:
        """A customer's scribble as a PNG, drawn once."""
        if not hasattr(self, "_signature"):
            from PIL import Image, ImageDraw

            image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
            draw = ImageDraw.Draw(image)
            points = [(20 + x * 8, 60 + round(25 * ((x * 7) % 5 - 2) / 2)) for x in range(40)]
            draw.line(points, fill=(20, 30, 90, 255), width=3)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            self._signature = buffer.getvalue()
        return self._signature

    def worker(self, story: _Story) -> User:
        return story.spec.assignee or self.actor(story)

    def start(self, story: _Story) -> None:
        mode = story.spec.mode
        if self.visited_by_partner(story):
            self.arrive(story)
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
        """The engineer's finding: fault code and cause, which decide the warranty again;
        chargeable work then gets a quote."""
        spec = story.spec
        worker = self.worker(story)
        if spec.fault is None:
            if spec.kind in (Kind.RETURN, Kind.EXCHANGE):
                story.request = services.update_request(
                    story.request,
                    actor=worker,
                    diagnosis=Diagnosis.HARDWARE,
                    fault_cause=FaultCause.QUALITY,
                )
                services.add_comment(
                    story.request, actor=worker, body="检测确认为产品性能故障，非人为损坏。"
                )
            return
        code, row = spec.fault
        before = story.request.entitlement.get("repair_charge")
        story.request = services.update_request(
            story.request,
            actor=worker,
            diagnosis=code.kind,
            fault_codes=[code],
            fault_cause=spec.cause or self.cause_of(story),
        )
        part = self.part_for(story)
        body = f"检测结果：{code.component} — {code.symptom}（故障码 {code.code}）。"
        if part:
            body += f"需更换{part.name}（{part.part_number}）。"
        services.add_comment(
            story.request, actor=worker, body=body + self.cover_note(story.request, before)
        )
        self.quote_work(story)

    def cover_note(self, request: ServiceRequest, before: str | None) -> str:
        """What the diagnosis changed about the warranty, for the engineer's note."""
        decision = request.entitlement
        reasons = {reason["code"]: reason["params"] for reason in decision.get("reasons", [])}
        note = ""
        if "repeated_failures" in reasons:
            failed = reasons["repeated_failures"]
            note += (
                f"同一故障已在保修期内修理{failed['count']}次（{failed['requests']}），"
                "客户可按三包规定要求换货或退货。"
            )
        elif "extended_accidental" in reasons:
            cover = decision["extended_warranty"]
            note += f"属意外损坏，在{cover['name']}保障范围内，免费维修。"
        elif "component_term" in reasons and before == CHARGEABLE:
            term = reasons["component_term"]
            note += (
                f"{term['component']}保修{term['months']}个月（至{term['until']}），仍在保修期内，"
                "免费维修。"
            )
        for cover in decision.get("supplier_cover", []):
            note += (
                f"该故障在{cover['supplier']}的背靠背质保期内（至{cover['until']}），"
                "旧件保留返厂，向其索赔。"
            )
        return note

    def cause_of(self, story: _Story) -> str:
        """Why the fault happened: the usual cause of this fault code (see the data)."""
        code, _row = story.spec.fault
        cause = data.FAULT_CAUSES.get((story.unit.product.category.code, code.code))
        if cause:
            return cause
        return FaultCause.UNKNOWN if code.kind == "operation" else FaultCause.QUALITY

    def part_for(self, story: _Story):
        """The fault's spare part in the version that fits the unit (e.g. its own screen)."""
        number = story.spec.fault[1][6]
        if not number:
            return None
        sku = story.unit.product.sku
        if sku in self.fits[number]:
            return self.parts[number]
        if number.count("-") < 3:
            return None
        family = number.rsplit("-", 1)[0] + "-"
        return next(
            (p for n, p in self.parts.items() if n.startswith(family) and sku in self.fits[n]),
            None,
        )

    def quote_lines(self, story: _Story) -> list[LineInput]:
        spec = story.spec
        code, _row = spec.fault
        part = self.part_for(story)
        lines = []
        if part and (code.kind == "hardware" or part.is_consumable):
            lines.append(LineInput(kind=LineKind.PART, spare_part=part))
        if spec.mode in ("onsite", "depot"):
            category = story.unit.product.category.code
            lines.append(
                LineInput(
                    kind=LineKind.LABOUR,
                    description=f"检测维修工时费（{story.unit.product.category.name}）",
                    unit_price=data.LABOUR_PRICES[category],
                )
            )
        if spec.mode == "onsite":
            fee = data.CALL_OUT_FEE
            lines.append(LineInput(kind=LineKind.TRAVEL, description="上门服务费", unit_price=fee))
        return lines

    def why_charged(self, request: ServiceRequest) -> str:
        decision = request.entitlement
        codes = {reason["code"]: reason["params"] for reason in decision.get("reasons", [])}
        if "excluded_customer_damage" in codes:
            return "经检测为人为损坏，不在保修范围"
        if "excluded_wear" in codes:
            return "经检测为正常使用磨损，不在保修范围"
        if "excluded_consumable" in codes:
            return "易耗件不在保修范围"
        if "purchase_date_unknown" in codes:
            return "因无购机发票、购买日期不详，暂按保外报价；如能提供发票，按保修政策处理"
        if "warranty_expired" in codes:
            return f"整机保修已于{codes['warranty_expired']['until']}到期"
        return "本次维修不在保修范围"

    def quote_work(self, story: _Story) -> None:
        """A quote for chargeable work: drafted, sent to the customer and (usually) answered
        there and then; featured stories say what becomes of it."""
        request = story.request
        if request.entitlement.get("repair_charge") != CHARGEABLE:
            return
        spec = story.spec
        lines = self.quote_lines(story)
        if not lines:
            return  # advice over the phone: nothing to charge
        worker = self.worker(story)
        plan = spec.quote
        if not plan:
            waits = spec.waits_for_customer and not spec.waits_for_parts
            plan = (
                QuoteStatus.SENT
                if waits or spec.final in (Status.IN_PROGRESS, Status.WAITING_CUSTOMER)
                else QuoteStatus.ACCEPTED
            )
        note = f"{self.why_charged(request)}，维修费用如下，请确认。"
        valid_until = self.today() + 14 * DAY
        if plan == QuoteStatus.WITHDRAWN:
            # A part that is not needed slipped onto the first quote: withdrawn, quoted again.
            part = self.part_for(story)
            wrong = max(
                (
                    p
                    for n, p in self.parts.items()
                    if story.unit.product.sku in self.fits[n] and p != part
                ),
                key=lambda p: p.unit_price,
            )
            first = quotes.create_quote(
                request,
                actor=worker,
                lines=[*lines, LineInput(kind=LineKind.PART, spare_part=wrong)],
                note=note,
                valid_until=valid_until,
            )
            first = quotes.send_quote(first, actor=worker)
            quotes.withdraw_quote(
                first,
                actor=worker,
                reason=f"报价误加了{wrong.name}，本次维修无需更换，已撤回并重新报价。",
            )
        quote = quotes.create_quote(
            request, actor=worker, lines=lines, note=note, valid_until=valid_until
        )
        story.quote = quote
        if plan == QuoteStatus.DRAFT:
            return
        story.quote = quote = quotes.send_quote(quote, actor=worker)
        there = spec.mode in ("onsite", "depot")  # the customer answers face to face
        via = AnswerVia.IN_PERSON if there else AnswerVia.PHONE
        if plan in (QuoteStatus.ACCEPTED, QuoteStatus.WITHDRAWN):
            agreed = "客户同意报价，现场签字确认。" if there else "客户电话确认同意报价。"
            story.quote = quotes.accept_quote(quote, actor=worker, via=via, note=agreed)
        elif plan == QuoteStatus.DECLINED:
            story.quote = quotes.decline_quote(
                quote, actor=worker, via=via, reason="客户觉得维修费用偏高，暂不维修。"
            )

    def accept_by_phone(self, story: _Story) -> None:
        """The customer calls back and accepts the quote they were sent."""
        if story.quote is not None and story.quote.status == QuoteStatus.SENT:
            story.quote = quotes.accept_quote(
                story.quote, actor=self.actor(story), via=AnswerVia.PHONE, note="客户来电同意报价。"
            )

    def pay(self, story: _Story) -> None:
        """The customer pays the charge: to the engineer, or a company by bank transfer
        (which the agent records)."""
        company = story.spec.customer.pk in self.company_ids
        for charge in story.request.charges.filter(status=ChargeStatus.DUE):
            if company:
                actor, method = self.actor(story), PaymentMethod.TRANSFER
            else:
                actor = self.worker(story)
                method = self.pick(
                    {
                        PaymentMethod.WECHAT: 50,
                        PaymentMethod.ALIPAY: 30,
                        PaymentMethod.CASH: 10,
                        PaymentMethod.CARD: 10,
                    }
                )
            quotes.mark_paid(charge, actor=actor, method=method)

    def charge_note(self, story: _Story) -> str:
        """What the resolution says about money: the quote charged, or why it is free."""
        quote = story.quote
        if quote is not None and quote.status == QuoteStatus.ACCEPTED:
            return f"，按报价收费 ¥{quote.total}"
        decision = story.request.entitlement or {}
        if decision.get("repair_charge") != FREE:
            return ""
        codes = {reason["code"] for reason in decision.get("reasons", [])}
        if decision.get("warranty_status") == "contract":
            return f"，按服务合同 {decision['contract']['number']} 免费"
        cover = decision.get("extended_warranty")
        if cover and codes & {"extended_covers", "extended_accidental"}:
            return f"，{cover['name']}免费"
        if "lifetime_repair" in codes:
            return "，终身保修免费"
        return ""

    def move_claims(self, story: _Story, to: str) -> None:
        """The manager claims the repair's cost back from the supplier or installer."""
        part = self.part_for(story)
        for claim in story.request.vendor_claims.select_related("supplier_warranty"):
            fields = {}
            if to == ClaimStatus.SUBMITTED:
                cover = claim.supplier_warranty
                fields = {
                    "reference": f"SP{self.today():%Y%m%d}{claim.pk:04d}",
                    "amount": cover.labour_rate + (part.unit_price if part else 0),
                    "note": "已提交维修工单、故障照片及旧件返厂单。",
                }
            elif to == ClaimStatus.ACCEPTED:
                fields = {"note": "供应商已确认索赔。"}
            elif to == ClaimStatus.PAID:
                fields = {"note": "供应商货款已冲抵。"}
            warranty.move_claim(claim, actor=self.manager, to=to, **fields)

    def wait_for_parts(self, story: _Story) -> None:
        part = self.part_for(story) or self.parts[story.spec.fault[1][6]]
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
        quote = story.quote
        if spec.wait_reason:
            reason = spec.wait_reason
        elif quote is not None and quote.status == QuoteStatus.SENT:
            reason = f"已向客户发送维修报价（¥{quote.total}），等待客户确认。"
        elif spec.kind in (Kind.RETURN, Kind.EXCHANGE):
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
        self.accept_by_phone(story)
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
            summary = spec.summary or row[5]
            part = self.part_for(story)
            if not spec.summary:
                if part and code.kind == "hardware":
                    summary += f"。更换配件：{part.name}（{part.part_number}）"
                if not again:
                    summary += self.charge_note(story)
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
            summary = spec.summary or "经检测确认性能故障，符合三包退货条件，已办理退货退款。"
            assets.set_unit_status(
                unit, UnitStatus.RETURNED, actor=actor, reason=f"三包退货（{story.request.number}）"
            )
        elif kind == Kind.EXCHANGE:
            resolution = ResolutionType.EXCHANGE
            summary = spec.summary or "经检测确认性能故障，符合三包换货条件，已为客户更换新机。"
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
                purchased_on=unit.purchased_on,
                warranty_starts_on=self.today(),
            )
            summary += f"新机序列号 {replacement.serial_number}，保修期自换货之日起重新计算。"
        else:  # consultation, complaint, training
            resolution = ResolutionType.ADVICE
            summary = story.answer or "已解答客户问题。"
        if story.visit is not None and not again:
            self.check_out(story, data.WORK_DONE.get(kind, summary))
        story.request = services.transition(
            story.request,
            actor=actor,
            to=Status.RESOLVED,
            resolution_type=spec.resolution or resolution,
            resolution_summary=summary,
        )
        if spec.final == Status.CLOSED and not again:
            self.pay(story)

    def close(self, story: _Story) -> None:
        agent = self.actor(story)
        score = self.pick({5: 70, 4: 22, 3: 8})
        remark = {
            5: "客户确认问题已解决，对服务非常满意",
            4: "客户确认问题已解决，比较满意，建议上门前提前电话联系",
            3: "客户确认问题已解决，对等待时间不太满意",
        }[score]
        if story.quote is not None and story.quote.status == QuoteStatus.DECLINED:
            remark = "客户确认暂不维修，已了解继续使用的风险，对服务说明表示认可"
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
