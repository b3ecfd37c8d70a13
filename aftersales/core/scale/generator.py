"""Write a realistic data set in bulk: customers, units, requests over three years, their
visits, surveys, fault codes and timeline events.

Rows are built from seeded random choices and written in batches (`writer`: COPY on
PostgreSQL, multi-row INSERTs elsewhere), one transaction per batch, in time order;
nothing goes through the services (their checks, messages and history per request would
take hours at a million). What the services would
have kept consistent is kept here by construction: a request's status fits its age (old
ones are closed), its deadlines and met flags follow from its times, a unit is bought
before its first request, a visit's technician belongs to its center, and the numbers
continue each year's counter (`core.counters`) so later requests do not collide.
SLA deadlines are the default policy's targets counted in wall-clock time, not business
time: near enough for measuring, and far cheaper than the business calendar per row.
"""

from __future__ import annotations

import bisect
import datetime
import gc
import random
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from aftersales.assets.models import Unit
from aftersales.core.counters import next_value, sequence_name
from aftersales.core.models import Counter as CounterRow
from aftersales.core.scale import calendar
from aftersales.core.scale.reference import CATEGORIES, CITIES, Reference, ensure_reference
from aftersales.core.scale.writer import Row, insert, row
from aftersales.customers.models import Customer, CustomerKind
from aftersales.dispatch.models import NotFixedReason, Visit, VisitStatus
from aftersales.followup.models import Survey
from aftersales.service.choices import (
    Channel,
    Diagnosis,
    EventKind,
    Kind,
    Priority,
    ResolutionType,
    Status,
    Visibility,
)
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.warranty.models import FaultCause

BATCH = 5000
YEARS = 3
UNITS_PER_REQUEST = 0.8
UNITS_PER_CUSTOMER = 1.3
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# The default policy's targets in minutes (sla migration 0002): response, resolution.
TARGETS = {
    Priority.URGENT: (60, 8 * 60),
    Priority.HIGH: (120, 16 * 60),
    Priority.NORMAL: (240, 24 * 60),
    Priority.LOW: (480, 40 * 60),
}
WARN_SHARE = 0.8
PRIORITIES = ([Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT], [10, 65, 20, 5])
CHANNELS = (
    [Channel.PHONE, Channel.WECHAT, Channel.WEB, Channel.PORTAL, Channel.EMAIL, Channel.API,
     Channel.CHAT, Channel.SMS, Channel.IOT, Channel.WALK_IN],
    [40, 22, 8, 8, 5, 5, 5, 2, 3, 2],
)  # fmt: skip
KINDS = (
    [Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE, Kind.CONSULTATION, Kind.COMPLAINT,
     Kind.RETURN, Kind.EXCHANGE],
    [68, 10, 7, 10, 2, 1.5, 1.5],
)  # fmt: skip
# Subjects are Chinese whatever the language of the command.
KIND_TEXT = {
    Kind.REPAIR: "故障报修", Kind.INSTALLATION: "预约安装", Kind.MAINTENANCE: "保养清洗",
    Kind.CONSULTATION: "使用咨询", Kind.COMPLAINT: "服务投诉", Kind.RETURN: "申请退货",
    Kind.EXCHANGE: "申请换货", Kind.TRAINING: "使用培训",
}  # fmt: skip
VISIT_KINDS = {Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE}
# Status by age of the request: the older, the likelier it is done.
STATUS_BY_AGE = [
    (2, {Status.NEW: 30, Status.TRIAGED: 15, Status.ASSIGNED: 25, Status.IN_PROGRESS: 20,
         Status.RESOLVED: 8, Status.CANCELLED: 2}),
    (10, {Status.TRIAGED: 4, Status.ASSIGNED: 10, Status.IN_PROGRESS: 15,
          Status.WAITING_CUSTOMER: 8, Status.WAITING_PARTS: 10, Status.RESOLVED: 30,
          Status.CLOSED: 20, Status.CANCELLED: 3}),
    (45, {Status.IN_PROGRESS: 2, Status.WAITING_PARTS: 3, Status.RESOLVED: 18,
          Status.CLOSED: 73, Status.CANCELLED: 4}),
    (None, {Status.CLOSED: 94, Status.CANCELLED: 6}),
]  # fmt: skip
DONE = {Status.RESOLVED, Status.CLOSED}
FIRST_TIME_FIX = 0.8
SURVEY_SHARE = 0.4
SURVEY_ANSWERED = 0.6
REPEAT_SHARE = 0.06
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玲"


@dataclass
class Result:
    requests: int = 0
    customers: int = 0
    units: int = 0
    visits: int = 0
    surveys: int = 0
    events: int = 0
    fault_links: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


Progress = Callable[[str, int, int], None]  # stage, done, total


def generate(
    requests: int,
    *,
    seed: int = 1,
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> Result:
    """Write `requests` service requests (and all around them) received over the three
    years before `now`. Each batch is its own transaction: an interrupted run leaves
    whole batches behind."""
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(seed)
    report = progress or (lambda stage, done, total: None)
    result = Result()
    with _without_garbage_collector(), _commits_without_waiting():
        with transaction.atomic():
            ref = ensure_reference()
        start = (now - datetime.timedelta(days=365 * YEARS)).astimezone(calendar.CHINA).date()
        times = calendar.received_times(rng, requests, start, now)
        units = _Units(rng, ref, max(1, round(requests * UNITS_PER_REQUEST)), start, now)
        units.write(result, report, batch)
        writer = _Requests(rng, ref, units, now, _reserve_numbers(times))
        for first in range(0, len(times), batch):
            with transaction.atomic():
                writer.write(times[first : first + batch], result)
            report("requests", min(first + batch, len(times)), len(times))
    result.seconds = time.monotonic() - started
    return result


@contextmanager
def _without_garbage_collector():
    # Millions of small objects make the cycle collector run over all of them again and
    # again; nothing here makes cycles worth collecting.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _commits_without_waiting():
    # Each batch's commit need not wait for the disk: a crash loses at most the last
    # batches of a data set that is made to be thrown away.
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# --- Numbers ------------------------------------------------------------------------------


def _reserve_numbers(times: list[datetime.datetime]) -> dict[int, int]:
    """Take a block of each year's counter for the requests of that year: year → the
    first number of the block. Later requests get numbers after the block."""
    per_year = Counter(moment.astimezone(calendar.CHINA).year for moment in times)
    return {year: _reserve(f"SR-{year}", count) for year, count in sorted(per_year.items())}


def _reserve(name: str, count: int) -> int:
    with transaction.atomic():
        first = next_value(name)
        if count > 1:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT setval(%s, %s)", [sequence_name(name), first + count - 1]
                    )
            else:
                CounterRow.objects.filter(name=name).update(value=first + count - 1)
    return first


# --- Customers and units ------------------------------------------------------------------


class _Units:
    """The installed base, bought over the five years before and the three years of the
    data; per category its units in purchase order, so that a request picks a unit
    bought before it."""

    def __init__(self, rng, ref: Reference, count: int, start: datetime.date, now):
        self.rng, self.ref, self.count = rng, ref, count
        self.first_day = start - datetime.timedelta(days=365 * 5)
        self.last_day = now.astimezone(calendar.CHINA).date()
        self.customers = max(1, round(count / UNITS_PER_CUSTOMER))
        self.token = uuid.uuid4().hex[:6].upper()
        # Filled by write(): per category, parallel lists in purchase order.
        self.days: dict[str, list[int]] = {code: [] for code in ref.categories}
        self.ids: dict[str, list[int]] = {code: [] for code in ref.categories}
        self.owners: dict[str, list[int]] = {code: [] for code in ref.categories}
        self.cities: dict[int, int] = {}  # customer id → index in CITIES

    def write(self, result: Result, report: Progress, batch: int) -> None:
        rng = self.rng
        city_weights = [row[3] for row in CITIES]
        customer_ids: list[int] = []
        for first in range(0, self.customers, batch):
            size = min(batch, self.customers - first)
            rows, cities = [], []
            for _ in range(size):
                city_index = rng.choices(range(len(CITIES)), city_weights)[0]
                rows.append(self._customer(city_index))
                cities.append(city_index)
            with transaction.atomic():
                insert(Customer, rows)
            created = rows
            for customer, city_index in zip(created, cities, strict=True):
                customer_ids.append(customer.pk)
                self.cities[customer.pk] = city_index
            report("customers", first + size, self.customers)
        result.customers += len(customer_ids)

        shares = [row[2] for row in CATEGORIES]
        span = (self.last_day - self.first_day).days
        planned = []
        for index in range(self.count):
            # Every customer owns a unit; the rest go to random customers.
            owner = customer_ids[index] if index < len(customer_ids) else rng.choice(customer_ids)
            category = rng.choices(self.ref.categories, shares)[0]
            product_id, _name = rng.choice(self.ref.products[category])
            day = self.first_day.toordinal() + int(span * rng.random() ** 0.8)
            planned.append((day, category, product_id, owner))
        planned.sort()
        for first in range(0, len(planned), batch):
            chunk = planned[first : first + batch]
            rows = [
                row(
                    Unit,
                    serial_number=f"SIM{self.token}{first + offset:08d}",
                    product_id=product_id,
                    customer_id=owner,
                    purchased_on=datetime.date.fromordinal(day),
                    sales_channel=rng.choice(("京东", "天猫", "苏宁", "国美", "线下门店")),
                )
                for offset, (day, _category, product_id, owner) in enumerate(chunk)
            ]
            with transaction.atomic():
                insert(Unit, rows)
            created = rows
            for unit, (day, category, _product, owner) in zip(created, chunk, strict=True):
                self.days[category].append(day)
                self.ids[category].append(unit.pk)
                self.owners[category].append(owner)
            report("units", first + len(chunk), len(planned))
        result.units += len(planned)

    def _customer(self, city_index: int) -> Row:
        rng = self.rng
        city, province, _tier, _weight = CITIES[city_index]
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        company = rng.random() < 0.05
        name = (
            f"{city}{rng.choice(('恒通', '华盛', '金源', '新创', '博远'))}商贸有限公司"
            if company
            else rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        )
        return row(
            Customer,
            kind=CustomerKind.COMPANY if company else CustomerKind.PERSON,
            name=name,
            phone=phone,
            phone_normalized=f"+86{phone}",
            province=province,
            city=city,
            address=f"{city}市某区某路{rng.randrange(1, 999)}号",
        )

    def pick(self, category: str, day: int) -> tuple[int, int] | None:
        """A unit of `category` bought on or before `day`: (unit id, owner id)."""
        bought = bisect.bisect_right(self.days[category], day)
        if not bought:
            return None
        index = self.rng.randrange(bought)
        return self.ids[category][index], self.owners[category][index]


# --- Requests and what hangs on them ------------------------------------------------------


class _Requests:
    def __init__(self, rng, ref: Reference, units: _Units, now, numbers: dict[int, int]):
        self.rng, self.ref, self.units, self.now = rng, ref, units, now
        self.numbers = dict(numbers)  # year → next number to give
        self.category_shares = {code: share for code, _n, share, _v, _s in CATEGORIES}
        self.needs_visit = {code: visit for code, _n, _s, visit, _season in CATEGORIES}
        self.category_names = {code: name for code, name, *_rest in CATEGORIES}
        self.seasonal = {code for code, _n, _s, _v, season in CATEGORIES if season}
        # Recent failures, some of which come back (repeat repairs of the same fault).
        self.recent: deque = deque(maxlen=500)

    def write(self, times: list[datetime.datetime], result: Result) -> None:
        plans = [self._plan(moment) for moment in times]
        created = [plan["request"] for plan in plans]
        insert(ServiceRequest, created)
        links, events, visits, surveys = [], [], [], []
        through = ServiceRequest.fault_codes.through
        for request, plan in zip(created, plans, strict=True):
            if plan["fault"]:
                links.append(row(through, servicerequest_id=request.pk, faultcode_id=plan["fault"]))
            events.extend(self._events(request))
            for visit in plan["visits"]:
                visit.request_id = request.pk
                visits.append(visit)
            if plan["survey"]:
                plan["survey"].request_id = request.pk
                surveys.append(plan["survey"])
        insert(through, links)
        insert(TimelineEvent, events)
        insert(Visit, visits)
        insert(Survey, surveys)
        result.requests += len(created)
        result.fault_links += len(links)
        result.events += len(events)
        result.visits += len(visits)
        result.surveys += len(surveys)

    def _category(self, local: datetime.datetime) -> str:
        weights = [
            self.category_shares[code] * (3.0 if code in self.seasonal and local.month in
                                          (6, 7, 8) else 1.0)
            for code in self.ref.categories
        ]  # fmt: skip
        return self.rng.choices(self.ref.categories, weights)[0]

    def _number(self, local: datetime.datetime) -> str:
        value = self.numbers[local.year]
        self.numbers[local.year] = value + 1
        return f"SR-{local.year}-{value:06d}"

    def _plan(self, received: datetime.datetime) -> dict:
        rng, ref = self.rng, self.ref
        local = received.astimezone(calendar.CHINA)
        day = local.date().toordinal()
        fault = None
        repeat = self.recent and rng.random() < REPEAT_SHARE
        if repeat:
            category, unit_id, customer_id, fault = rng.choice(self.recent)
        else:
            category = self._category(local)
            picked = self.units.pick(category, day)
            while picked is None:  # nothing of that kind bought yet: any category
                category = rng.choice(ref.categories)
                picked = self.units.pick(category, day)
            unit_id, customer_id = picked
        kind = rng.choices(*KINDS)[0]
        if kind == Kind.REPAIR and fault is None and ref.faults[category]:
            fault_id, fault_kind, symptom = rng.choices(
                ref.faults[category], ref.fault_weights[category]
            )[0]
            fault = (fault_id, fault_kind, symptom)
        if kind == Kind.REPAIR and fault and not repeat:
            self.recent.append((category, unit_id, customer_id, fault))
        if kind != Kind.REPAIR:
            fault = None
        priority = rng.choices(*PRIORITIES)[0]
        city, province, tier, _w = CITIES[self.units.cities[customer_id]]
        status = self._status(received)
        product_name = self.category_names[category]
        subject = f"{product_name}{fault[2]}" if fault else f"{product_name}{KIND_TEXT[kind]}"
        response_minutes, resolution_minutes = TARGETS[priority]
        needs_visit = kind in VISIT_KINDS and self.needs_visit[category]
        request = row(
            ServiceRequest,
            number=self._number(local),
            customer_id=customer_id,
            unit_id=unit_id,
            channel=rng.choices(*CHANNELS)[0],
            kind=kind,
            subject=subject[:200],
            priority=priority,
            status=status,
            received_at=received,
            created_at=received,
            needs_visit=needs_visit,
            response_due_at=received + datetime.timedelta(minutes=response_minutes),
            resolution_due_at=received + datetime.timedelta(minutes=resolution_minutes),
            response_warn_at=received + datetime.timedelta(minutes=response_minutes * WARN_SHARE),
            resolution_warn_at=received
            + datetime.timedelta(minutes=resolution_minutes * WARN_SHARE),
            sla={
                "tier": tier,
                "policy": {"name": "默认服务标准"},
                "targets": {
                    "response": [response_minutes, False],
                    "resolution": [resolution_minutes, False],
                },
                "generated": True,
            },
        )
        if fault:
            request.diagnosis = fault[1] if status != Status.NEW else Diagnosis.UNKNOWN
            if status in DONE:
                request.fault_cause = rng.choices(
                    [FaultCause.QUALITY, FaultCause.WEAR, FaultCause.CUSTOMER_DAMAGE],
                    [70, 20, 10],
                )[0]
        elif kind == Kind.CONSULTATION and status != Status.NEW:
            request.diagnosis = Diagnosis.OPERATION
        plan = {"request": request, "fault": fault[0] if fault else None, "visits": []}
        plan["survey"] = None
        self._respond(request, rng)
        self._resolve(request, rng, resolution_minutes)
        if needs_visit:
            onsite_hours = 24 if tier == "tier1" else 48
            request.onsite_due_at = received + onsite_hours * HOUR
            request.onsite_warn_at = received + onsite_hours * WARN_SHARE * HOUR
            request.sla["targets"]["onsite"] = [onsite_hours * 60, False]
            plan["visits"] = self._visits(request, city, rng)
        if request.status == Status.CLOSED and rng.random() < SURVEY_SHARE:
            plan["survey"] = self._survey(request, plan["visits"], rng)
        return plan

    def _status(self, received: datetime.datetime) -> str:
        age_days = (self.now - received) / DAY
        for limit, weights in STATUS_BY_AGE:
            if limit is None or age_days <= limit:
                return self.rng.choices(list(weights), list(weights.values()))[0]
        raise AssertionError("unreachable")

    def _respond(self, request: Row, rng) -> None:
        if request.status == Status.NEW:
            return
        request.assignee_id = rng.choice(self.ref.agents)
        request.team_id = rng.choice(self.ref.teams)
        target = request.response_due_at - request.received_at
        # Most answered well within the target, some late.
        answered = request.received_at + target * rng.lognormvariate(-0.9, 0.8)
        answered = min(answered, self.now)
        request.first_response_at = answered
        request.last_update_at = answered
        request.response_met = answered <= request.response_due_at

    def _resolve(self, request: Row, rng, resolution_minutes: int) -> None:
        received = request.received_at
        if request.status == Status.CANCELLED:
            request.closed_at = min(self.now, received + rng.uniform(1, 72) * HOUR)
            request.cancel_reason = "客户已自行解决"
            return
        if request.status not in DONE:
            return
        # Resolution times spread widely: many the same day, a tail of weeks.
        took = datetime.timedelta(minutes=resolution_minutes) * rng.lognormvariate(-0.3, 0.9)
        resolved = received + took
        if resolved > self.now:
            resolved = received + (self.now - received) * rng.uniform(0.3, 0.95)
        request.resolved_at = resolved
        request.resolution_met = resolved <= request.resolution_due_at
        request.resolution_summary = "已处理完毕"
        request.resolution_type = (
            ResolutionType.ONSITE
            if request.needs_visit
            else rng.choice((ResolutionType.REMOTE, ResolutionType.ADVICE, ResolutionType.PARTS))
        )
        if request.status == Status.CLOSED:
            closed = resolved + rng.uniform(1, 7) * DAY
            if closed > self.now:
                request.status = Status.RESOLVED
            else:
                request.closed_at = closed

    def _visits(self, request: Row, city: str, rng) -> list[Row]:
        if request.status in (Status.NEW, Status.TRIAGED, Status.CANCELLED):
            return []
        centers = self.ref.centers.get(city) or [(rng.choice(self.ref.all_centers), "")]
        center_id = rng.choice(centers)[0]
        request.service_center_id = center_id
        technician = rng.choice(self.ref.technicians[center_id])
        received = request.received_at
        done = request.status in DONE
        arrive = received + HOUR * (2 + rng.lognormvariate(2.8, 0.6))
        if not done and arrive > self.now:
            # Booked but not made yet.
            start = max(arrive, self.now + HOUR)
            return [
                row(
                    Visit,
                    center_id=center_id,
                    technician_id=technician,
                    status=VisitStatus.SCHEDULED,
                    day=start.astimezone(calendar.CHINA).date(),
                    planned_start=start,
                    onsite_due_at=request.onsite_due_at,
                    created_at=received,
                )
            ]
        if done:
            arrive = min(arrive, request.resolved_at - HOUR)
            arrive = max(arrive, received + 10 * datetime.timedelta(minutes=1))
        request.arrived_at = arrive
        request.onsite_met = arrive <= request.onsite_due_at
        fixed = rng.random() < FIRST_TIME_FIX
        visits = [self._made_visit(request, center_id, technician, arrive, fixed, rng)]
        if done and not fixed:
            again = arrive + rng.uniform(0.3, 0.7) * (request.resolved_at - arrive)
            visits.append(self._made_visit(request, center_id, technician, again, True, rng))
        elif not done and not fixed:
            request.status = Status.WAITING_PARTS
        return visits

    def _made_visit(self, request, center_id, technician, arrive, fixed, rng) -> Row:
        minutes = rng.choice((30, 45, 60, 60, 90, 120))
        return row(
            Visit,
            center_id=center_id,
            technician_id=technician,
            status=VisitStatus.COMPLETED,
            day=arrive.astimezone(calendar.CHINA).date(),
            planned_start=arrive,
            duration_minutes=minutes,
            onsite_due_at=request.onsite_due_at,
            travel_started_at=arrive - rng.uniform(0.3, 1.2) * HOUR,
            checked_in_at=arrive,
            checked_out_at=arrive + datetime.timedelta(minutes=minutes),
            first_time_fix=fixed,
            not_fixed_reason="" if fixed else NotFixedReason.PARTS,
            work_done="检测并维修" if fixed else "需更换配件，已下单",
            created_at=request.received_at,
        )

    def _survey(self, request: Row, visits: list[Row], rng) -> Row:
        sent = request.resolved_at + rng.uniform(2, 30) * HOUR
        survey = row(
            Survey,
            customer_id=request.customer_id,
            sent_at=sent,
            expires_at=sent + 14 * DAY,
            technician_id=visits[-1].technician_id if visits else None,
            center_id=visits[-1].center_id if visits else None,
        )
        if rng.random() < SURVEY_ANSWERED and sent + 2 * DAY < self.now:
            # Late resolutions and second visits make customers less happy.
            penalty = (0 if request.resolution_met else 1) + (1 if len(visits) > 1 else 0)
            csat = max(1, min(5, rng.choices((5, 4, 3, 2, 1), (50, 30, 11, 5, 4))[0] - penalty))
            survey.answered_at = sent + rng.uniform(0.1, 48) * HOUR
            survey.csat = csat
            survey.nps = max(0, min(10, csat * 2 + rng.choice((-2, -1, 0, 0, 0))))
            survey.timeliness = max(1, min(5, csat + rng.choice((-1, 0, 0, 1))))
            survey.low_score = csat <= 2
        return survey

    def _events(self, request: Row) -> list[Row]:
        events = [
            row(
                TimelineEvent,
                request_id=request.pk,
                kind=EventKind.CREATED,
                visibility=Visibility.PUBLIC,
                created_at=request.received_at,
                body=request.subject,
                data={"channel": request.channel},
            )
        ]
        if request.status != Status.NEW:
            # One event for the way to where it stands now (the steps between are not kept).
            at = request.closed_at or request.resolved_at or request.first_response_at
            events.append(
                row(
                    TimelineEvent,
                    request_id=request.pk,
                    kind=EventKind.STATUS,
                    actor_id=request.assignee_id,
                    created_at=at or request.received_at,
                    data={"from": Status.NEW, "to": request.status},
                )
            )
        return events
