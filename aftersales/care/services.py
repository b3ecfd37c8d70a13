"""Campaign rules: who may draw and work them, drawing a campaign's list, recording each
contact, and sending a message campaign.

Managers draw campaigns (the list is fixed when drawn; `generators` say who and why);
agents, dispatchers and managers work them. Messages go through the outbox with the
customer's preferred channel (event `campaign`), once per target.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.care import generators
from aftersales.care.models import Campaign, CampaignKind, CampaignTarget, Method, TargetStatus
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.customers.models import CustomerEvent
from aftersales.notifications.services import notify

OUTCOMES = (TargetStatus.CONTACTED, TargetStatus.NOT_REACHED, TargetStatus.DECLINED,
            TargetStatus.CONVERTED)  # fmt: skip


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_back_office)


def can_draw(user) -> bool:
    return bool(user and user.is_authenticated and user.is_manager)


def check_draw(user) -> None:
    if not can_draw(user):
        raise NotAllowed(_("Only service managers may draw campaigns."))


def check_work(user) -> None:
    if not can_view(user):
        raise NotAllowed(_("Only the service team may work campaigns."))


def check_campaign(kind: str, on, method: str, message: str) -> None:
    if kind not in CampaignKind.values:
        raise DomainError(_("Choose what the campaign is for."), field="kind")
    if not isinstance(on, datetime.date):
        raise DomainError(_("Choose the day to draw the list for."), field="drawn_on")
    if method not in Method.values:
        raise DomainError(_("Choose calls or messages."), field="method")
    if method == Method.MESSAGE and not (message or "").strip():
        raise DomainError(_("Write the message the customers will receive."), field="message")


def preview(kind: str, on: datetime.date) -> list[generators.Candidate]:
    """Who the campaign would reach if drawn now, without writing anything."""
    return generators.candidates(kind, on)


@transaction.atomic
def draw(
    kind: str, on: datetime.date, *, actor, method: str = Method.CALL, name: str = "",
    subject: str = "", message: str = "",
) -> Campaign:  # fmt: skip
    """Draw the campaign's list for `on` and keep it (one target per customer and unit)."""
    check_draw(actor)
    check_campaign(kind, on, method, message)
    found = generators.candidates(kind, on)
    campaign = Campaign.objects.create(
        kind=kind,
        drawn_on=on,
        method=method,
        name=(name or "").strip() or f"{CampaignKind(kind).label} {on.isoformat()}",
        subject=(subject or "").strip(),
        message=(message or "").strip(),
        created_by=actor,
    )
    seen, targets = set(), []
    for c in found:
        key = (c.customer.pk, c.unit.pk if c.unit else None)
        if key in seen:
            continue
        seen.add(key)
        targets.append(
            CampaignTarget(
                campaign=campaign,
                customer=c.customer,
                unit=c.unit,
                contract=c.contract,
                reason=c.reason[:300],
                due_on=c.due_on,
            )  # fmt: skip
        )
    CampaignTarget.objects.bulk_create(targets)
    campaign.target_count = len(targets)
    campaign.save(update_fields=["target_count"])
    return campaign


@transaction.atomic
def record_contact(target: CampaignTarget, actor, *, status: str, note: str = "") -> CampaignTarget:
    """What came of contacting one customer on the list."""
    check_work(actor)
    if status not in OUTCOMES:
        raise DomainError(_("Choose what came of the contact."), field="status")
    target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
    target.status = status
    target.note = (note or "").strip()
    target.contacted_at = timezone.now() if status != TargetStatus.NOT_REACHED else None
    target.contacted_by = actor
    target.save(update_fields=["status", "note", "contacted_at", "contacted_by"])
    _on_customer_timeline(target, actor)
    return target


def _on_customer_timeline(target: CampaignTarget, actor) -> None:
    """Every contact is a touchpoint on the customer's own timeline."""
    body = f"{target.campaign.name}: {target.get_status_display()}"
    if target.note:
        body = f"{body}. {target.note}"
    CustomerEvent.objects.create(
        customer_id=target.customer_id,
        kind=CustomerEvent.Kind.CAMPAIGN,
        actor=actor,
        body=body,
        data={"campaign": target.campaign_id, "status": target.status},
    )


def send_messages(campaign: Campaign, actor) -> int:
    """Send the campaign's message to every target still to contact; returns how many.
    Safe to repeat: a target is messaged once (its status, and the outbox's key)."""
    check_work(actor)
    if campaign.method != Method.MESSAGE:
        raise Conflict(_("This campaign is worked by phone, not by message."))
    sent = 0
    pending = campaign.targets.filter(status=TargetStatus.PENDING).select_related("customer")
    for target in pending.iterator():
        with transaction.atomic():
            locked = CampaignTarget.objects.select_for_update().get(pk=target.pk)
            if locked.status != TargetStatus.PENDING:
                continue
            notify(
                "campaign",
                customer=target.customer,
                context={"campaign_subject": campaign.subject or campaign.name,
                         "campaign_message": campaign.message},
                dedupe_key=f"campaign:{campaign.pk}:{target.pk}",
            )  # fmt: skip
            locked.status = TargetStatus.MESSAGED
            locked.contacted_at, locked.contacted_by = timezone.now(), actor
            locked.save(update_fields=["status", "contacted_at", "contacted_by"])
            locked.campaign = campaign
            _on_customer_timeline(locked, actor)
            sent += 1
    return sent
