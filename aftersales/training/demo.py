"""Demo training (seed 000's levels): a course for each audience; last month's technician
certification, held, marked and certified (which raised the technicians' air-conditioner
skill); next week's user training at a customer with contacts enrolled, some included in
their gold or silver contract; and an online safety course open for enrolment. Safe to run
twice (the second run adds nothing).

Called by `core.demo.load_demo` with its simulated clock, so that the past session is
planned, held and certified at the times it happened."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aftersales.catalog.models import Category
from aftersales.customers.models import Contact
from aftersales.field.models import ServiceCenter, SkillLevel, Technician
from aftersales.training import services
from aftersales.training.models import Audience, Course, Delivery, Result, Session
from aftersales.training.services import Mark
from aftersales.warranty.models import ContractStatus, ServicePlan

# (title, audience, delivery, hours, price, category, certifies, plans including it, text)
COURSES = [
    ("变频空调维修技术认证", Audience.SUPPORT, Delivery.CENTER, "16", "0", "AC",
     SkillLevel.SENIOR, (),
     "变频控制原理、常见故障码诊断、冷媒回收与充注、安全规范；考核通过颁发高级工程师证书。"),
    ("空调正确使用与日常保养", Audience.OPERATORS, Delivery.ONSITE, "2", "300", "AC",
     None, ("gold", "silver"),
     "模式与温度设置、滤网清洗、遥控器故障码识别、何时需要报修。减少因操作不当造成的报修。"),
    ("燃气热水器安全使用", Audience.OPERATORS, Delivery.ONLINE, "1", "0", "HEATER",
     None, (), "燃气泄漏的识别与处置、防冻、水压与温度设置。"),
    ("售后服务体系与服务水平（管理层）", Audience.EXECUTIVES, Delivery.CENTER, "4", "2000", None,
     None, ("gold",), "服务合同、服务水平承诺、服务质量报告的解读。"),
    ("设备联网与数据接口（IT 人员）", Audience.IT_STAFF, Delivery.ONLINE, "3", "800", None,
     None, ("gold",), "设备远程监控接入（MQTT）、数据接口与账号安全。"),
    ("设备管理员操作规程（部门经理）", Audience.MANAGERS, Delivery.PRINTED, "1", "100", None,
     None, (), "印刷版操作规程与点检表。"),
]  # fmt: skip
DAY = datetime.timedelta(days=1)


def _courses(actor) -> dict[str, Course]:
    made = {}
    for title, audience, delivery, hours, price, category, level, plans, text in COURSES:
        course = Course.objects.filter(title=title).first()
        if course is None:
            course = Course(
                title=title,
                audience=audience,
                delivery=delivery,
                duration_hours=Decimal(hours),
                price=Decimal(price),
                category=Category.objects.get(code=category) if category else None,
                certifies_level=level,
                description=text,
            )
            services.save_course(
                course, actor=actor, plans=list(ServicePlan.objects.filter(code__in=plans))
            )
        made[title] = course
    return made


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


def _certification(course, actor, clock, trainer, center) -> None:
    """Held 30 days ago: four technicians, three passed and were certified."""
    today = timezone.localdate(clock.now())
    now = clock.now()
    day = today - 30 * DAY
    clock.set(_at(day - 14 * DAY, 10))
    session = services.plan_session(
        Session(course=course, starts_at=_at(day, 9), ends_at=_at(day + DAY, 17),
                trainer=trainer, center=center, seats=12),
        actor=actor,
    )  # fmt: skip
    technicians = list(Technician.objects.filter(active=True).order_by("pk")[:4])
    enrolments = [services.enrol(session, actor=actor, technician=t) for t in technicians]
    clock.set(_at(day + DAY, 17))
    scores = [Decimal("92"), Decimal("85"), Decimal("78"), Decimal("55")]
    services.record_marks(
        session,
        [
            Mark(e.pk, True, Result.PASSED if score >= 60 else Result.FAILED, score)
            for e, score in zip(enrolments, scores, strict=False)
        ],
        actor=trainer,
    )
    clock.set(_at(day + 2 * DAY, 10))
    services.issue_certificates(session, actor=actor)
    clock.set(now)


def _user_training(course, actor, clock) -> None:
    """Next week at a customer's site; contacts of contract customers first."""
    today = timezone.localdate(clock.now())
    contacts = list(
        Contact.objects.filter(customer__contracts__status=ContractStatus.ACTIVE)
        .select_related("customer")
        .distinct()
        .order_by("pk")[:4]
    ) or list(Contact.objects.order_by("pk")[:4])
    place = (contacts[0].customer.address if contacts else "") or "客户现场"
    session = services.plan_session(
        Session(course=course, starts_at=_at(today + 7 * DAY, 14),
                ends_at=_at(today + 7 * DAY, 16), address=place[:255], seats=10, trainer=actor),
        actor=actor,
    )  # fmt: skip
    for contact in contacts:
        services.enrol(session, actor=actor, contact=contact)


@transaction.atomic
def load(actor, clock) -> dict:
    """`clock` has `now()` and `set(moment)` (the demo's simulated clock)."""
    if Session.objects.exists():
        return {"training_sessions": 0}
    courses = _courses(actor)
    center = ServiceCenter.objects.filter(kind=ServiceCenter.Kind.OWN).order_by("pk").first()
    _certification(courses["变频空调维修技术认证"], actor, clock, actor, center)
    _user_training(courses["空调正确使用与日常保养"], actor, clock)
    today = timezone.localdate(clock.now())
    services.plan_session(
        Session(course=courses["燃气热水器安全使用"], starts_at=_at(today + 14 * DAY, 19),
                ends_at=_at(today + 14 * DAY, 20), online_link="https://meeting.example.com/heater",
                seats=100),
        actor=actor,
    )  # fmt: skip
    return {"training_sessions": Session.objects.count()}
