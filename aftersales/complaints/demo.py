"""Demo complaints: the demo's requests of kind complaint get their complaint rows —
severity, what they are about (the customer's earlier request, its visit and technician,
the unit's product), the repeat flag in the order they came, and for finished ones the
apology, root cause, corrective action and a manager's sign-off. Safe to run twice (the
second run adds nothing).

Called by `manage.py load_complaints_demo`; `core.demo.load_demo` may call `load(actor)`
after it has made its requests. The rows are history, so they are written directly with
their past times (the services would stamp them now).
"""

import datetime
import random

from django.db import transaction

from aftersales.complaints.models import ApologyHow, Complaint, ComplaintEvent, RootCause
from aftersales.complaints.services import REPEAT_WINDOW_DAYS
from aftersales.dispatch.models import Visit
from aftersales.service.choices import Kind, Status
from aftersales.service.models import ServiceRequest

SEVERITIES = {"minor": 40, "major": 45, "critical": 15}
ACTIONS = {
    RootCause.PRODUCT_QUALITY: "已反馈质量部门，同批次产品加强出厂检验",
    RootCause.ATTITUDE: "对工程师进行服务礼仪培训，纳入月度考核",
    RootCause.LATE: "派单时间窗放宽到两小时，迟到超过30分钟主动致电客户",
    RootCause.REPAIR_QUALITY: "返修免费上门，维修后增加功能复检步骤",
    RootCause.PRICE: "退还多收费用，上门前先告知收费标准",
    RootCause.COMMUNICATION: "工单进展每天短信告知客户",
    RootCause.POLICY: "向客户解释三包政策，给予延保券作为补偿",
    RootCause.OTHER: "专人跟进，一周内回访",
}
HOUR = datetime.timedelta(hours=1)


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@transaction.atomic
def load(actor, *, seed: int = 7) -> dict:
    """Give every demo complaint request without one its complaint row. `actor`: the
    service manager who signs off the finished ones."""
    requests = list(
        ServiceRequest.objects.filter(kind=Kind.COMPLAINT, complaint__isnull=True)
        .select_related("unit__product", "assignee")
        .order_by("received_at", "pk")
    )
    if not requests:
        return {"created": 0}
    rng = random.Random(seed)
    last_of = {
        c.customer_id: c for c in Complaint.objects.order_by("created_at", "pk")
    }  # the latest complaint per customer so far
    created = 0
    for request in requests:
        at = request.received_at
        previous = last_of.get(request.customer_id)
        if previous and at - previous.created_at > datetime.timedelta(days=REPEAT_WINDOW_DAYS):
            previous = None
        about = (
            ServiceRequest.objects.filter(customer_id=request.customer_id, received_at__lt=at)
            .exclude(kind=Kind.COMPLAINT)
            .order_by("-received_at")
            .first()
        )
        visit = (
            Visit.objects.filter(request=about).select_related("technician").last()
            if about
            else None
        )
        product = request.unit.product if request.unit_id else None
        if product is None and about is not None and about.unit_id:
            product = about.unit.product
        complaint = Complaint(
            request=request,
            customer_id=request.customer_id,
            severity=_pick(rng, SEVERITIES),
            about_request=about,
            about_visit=visit,
            about_technician=visit.technician if visit else None,
            about_product=product,
            repeat=previous is not None,
            previous=previous,
            created_at=at,
            created_by=request.created_by,
        )
        history = [(ComplaintEvent.Action.OPENED, request.created_by, at, "")]
        finished = request.status in (Status.RESOLVED, Status.CLOSED)
        worker = request.assignee or actor
        if finished or rng.random() < 0.5:
            complaint.apology_at = complaint.first_contact_at = at + HOUR
            complaint.apology_by, complaint.apology_how = worker, ApologyHow.CALL
            history.append((ComplaintEvent.Action.APOLOGY, worker, at + HOUR, "电话致歉"))
        if finished:
            cause = _pick(rng, dict.fromkeys(RootCause.values, 1))
            complaint.root_cause, complaint.corrective_action = cause, ACTIONS[cause]
            complaint.root_cause_detail = "客户多次反映" if cause == RootCause.OTHER else ""
            complaint.cause_at, complaint.cause_by = at + 2 * HOUR, worker
            history.append((ComplaintEvent.Action.CAUSE, worker, at + 2 * HOUR, ACTIONS[cause]))
        if request.status == Status.CLOSED:
            complaint.signed_off_at = request.closed_at or at + 3 * HOUR
            complaint.signed_off_by = actor
            history.append((ComplaintEvent.Action.SIGNED_OFF, actor, complaint.signed_off_at, ""))
        complaint.save()
        ComplaintEvent.objects.bulk_create(
            ComplaintEvent(
                complaint=complaint, action=action, actor=who, created_at=when, body=body
            )
            for action, who, when, body in history
        )
        last_of[request.customer_id] = complaint
        created += 1
    return {"created": created}
