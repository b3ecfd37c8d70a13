"""The rules of a return: what the warranty allows, the override, each step's checks,
refunds with deductions, exchanges that register the new unit."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.assets.models import Unit, UnitStatus
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.returns import services
from aftersales.returns.models import ReturnEvent, RmaStatus
from aftersales.service.choices import EventKind, Visibility
from aftersales.warranty.decision import evaluate

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def photo(name="front.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_a_quality_fault_five_days_after_purchase_is_refunded_less_missing_accessories(
    faulty_request, agent, charger, box
):
    request = faulty_request(5)
    rma = services.authorise(agent, request, kind="refund", price_paid="2999.00")
    assert rma.number.startswith(f"RMA-{timezone.localdate().year}-")
    assert rma.status == RmaStatus.AUTHORISED and not rma.overridden
    assert "refund" in rma.allowed_remedies
    rma = services.receive(
        rma, agent, condition="good", missing=[charger, box], photos=[photo()], version=1
    )
    assert request.attachments.count() == 1
    rma = services.inspect(rma, agent, fault_confirmed=True, version=rma.version)
    rma = services.refund(rma, agent, method="alipay", version=rma.version)
    # 2999 − 99 (charger) − 5 % of 2999 (box, 149.95) = 2750.05
    assert rma.deductions == Decimal("248.95")
    assert rma.refund_amount == Decimal("2750.05")
    assert rma.status == RmaStatus.REFUNDED
    assert Unit.objects.get(pk=request.unit_id).status == UnitStatus.RETURNED
    rma = services.close(rma, agent, version=rma.version)
    assert rma.status == RmaStatus.CLOSED
    actions = list(ReturnEvent.objects.filter(rma=rma).values_list("action", flat=True))
    assert actions == ["authorised", "received", "inspected", "refunded", "closed"]
    steps = request.events.filter(kind=EventKind.RETURN)
    assert [e.data["action"] for e in steps] == actions
    public = steps.filter(visibility=Visibility.PUBLIC).values_list("data__action", flat=True)
    assert set(public) == {"authorised", "received", "refunded"}


def test_a_refund_never_goes_below_zero(faulty_request, agent, phones):
    from aftersales.returns.models import AccessoryDeduction

    big = AccessoryDeduction.objects.create(name="主机壳", amount=Decimal("500"))
    rma = services.authorise(agent, faulty_request(3), kind="refund")
    rma = services.receive(rma, agent, condition="poor", missing=[big])
    rma = services.inspect(rma, agent, fault_confirmed=True)
    with pytest.raises(DomainError, match="price the customer paid"):
        services.refund(rma, agent, method="cash")
    rma = services.refund(rma, agent, method="cash", price_paid="300")
    assert rma.refund_amount == Decimal("0.00")


def test_a_quality_fault_at_day_ten_is_exchanged_for_a_new_unit_with_a_new_warranty(
    faulty_request, agent
):
    request = faulty_request(10)
    old = request.unit
    rma = services.authorise(agent, request, kind="exchange")
    rma = services.receive(rma, agent, condition="as_new")
    rma = services.inspect(rma, agent, fault_confirmed=True)
    rma = services.exchange(rma, agent, new_serial=" new 0001 ")
    new = rma.replacement_unit
    assert new.serial_number == "NEW0001"
    assert new.customer_id == old.customer_id and new.product_id == old.product_id
    assert new.warranty_starts_on == timezone.localdate()
    assert Unit.objects.get(pk=old.pk).status == UnitStatus.REPLACED
    # The warranty decision counts the new unit's windows from the exchange day.
    decision = evaluate(new, "quality")
    assert "refund" in decision.eligible_remedies
    assert "warranty_restarted" in [r.code for r in decision.reasons]


def test_a_refund_at_day_ten_is_refused_to_an_agent(faulty_request, agent):
    request = faulty_request(10)
    with pytest.raises(NotAllowed, match="Only a service manager may override"):
        services.authorise(agent, request, kind="refund", override_reason="客户坚持")
    assert not request.returns.exists()


def test_a_manager_overrides_a_refund_at_day_ten_only_with_a_reason(faulty_request, manager):
    request = faulty_request(10)
    with pytest.raises(DomainError, match="Give a reason"):
        services.authorise(manager, request, kind="refund")
    assert not request.returns.exists()
    rma = services.authorise(manager, request, kind="refund", override_reason="VIP 客户，总监批准")
    assert rma.overridden and rma.override_by == manager
    assert rma.override_reason == "VIP 客户，总监批准"
    note = request.events.get(kind=EventKind.RETURN, data__action="override")
    assert note.visibility == Visibility.INTERNAL and "VIP" in note.body


def test_an_exchange_after_the_exchange_window_needs_an_override(faulty_request, agent, manager):
    request = faulty_request(20)
    with pytest.raises(NotAllowed):
        services.authorise(agent, request, kind="exchange")
    rma = services.authorise(manager, request, kind="exchange", override_reason="屏幕批次问题")
    assert rma.overridden
    # A depot repair is within the repair warranty: no override.
    assert services.allowance(request, "depot_repair").allowed


def test_one_return_at_a_time_per_unit(faulty_request, agent):
    request = faulty_request(5)
    services.authorise(agent, request, kind="refund")
    with pytest.raises(Conflict, match="already has return"):
        services.authorise(agent, request, kind="exchange")


def test_a_request_without_unit_cannot_start_a_return(agent, customer):
    from aftersales.service import services as service_services

    request = service_services.create_request(
        actor=agent, customer=customer, subject="咨询", channel="phone"
    )
    with pytest.raises(DomainError, match="Record the unit"):
        services.authorise(agent, request, kind="depot_repair")


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_only_agents_and_managers_authorise_returns(faulty_request, users, role):
    with pytest.raises(NotAllowed):
        services.authorise(users[role], faulty_request(5), kind="refund")


def test_steps_follow_their_order_and_the_version(faulty_request, agent):
    rma = services.authorise(agent, faulty_request(5), kind="refund")
    with pytest.raises(Conflict):
        services.inspect(rma, agent, fault_confirmed=True)
    with pytest.raises(Conflict, match="Someone else changed"):
        services.receive(rma, agent, condition="good", version=7)
    rma = services.receive(rma, agent, condition="good", version=1)
    with pytest.raises(Conflict, match="no outcome"):
        services.close(rma, agent)


def test_no_refund_when_the_inspection_finds_customer_damage_then_rejected(faulty_request, agent):
    request = faulty_request(5)
    rma = services.authorise(agent, request, kind="refund")
    rma = services.receive(rma, agent, condition="poor")
    rma = services.inspect(rma, agent, fault_confirmed=True, customer_damage=True)
    with pytest.raises(DomainError, match="did not confirm"):
        services.refund(rma, agent, method="cash", price_paid="100")
    with pytest.raises(DomainError, match="reason"):
        services.reject(rma, agent, reason=" ")
    rma = services.reject(rma, agent, reason="屏幕有明显摔痕，属人为损坏")
    assert rma.status == RmaStatus.REJECTED
    entry = request.events.get(kind=EventKind.RETURN, data__action="rejected")
    assert entry.visibility == Visibility.PUBLIC and "摔痕" in entry.body
    assert Unit.objects.get(pk=request.unit_id).status == UnitStatus.IN_USE


def test_a_depot_repair_is_shipped_back(faulty_request, agent):
    rma = services.authorise(agent, faulty_request(40), kind="depot_repair")
    rma = services.receive(rma, agent, condition="good")
    rma = services.inspect(rma, agent, fault_confirmed=True)
    with pytest.raises(DomainError):
        services.refund(rma, agent, method="cash", price_paid="1")
    rma = services.ship_repaired(rma, agent, repair_note="更换主板", tracking_number="SF123")
    assert rma.status == RmaStatus.REPAIRED_SHIPPED and rma.tracking_number == "SF123"


def test_history_rows_cannot_be_changed(faulty_request, agent):
    rma = services.authorise(agent, faulty_request(5), kind="refund")
    event = rma.events.get()
    with pytest.raises(TypeError):
        event.save()


def test_an_exchange_follows_the_requests_decision_after_failed_repairs(faulty_request, agent):
    # A unit past its exchange window whose stored decision, after repeated failed repairs
    # of the same fault, offers an exchange: no override is needed.
    request = faulty_request(100)
    assert not services.allowance(request, "exchange").allowed
    request.entitlement = request.entitlement | {
        "eligible_remedies": ["refund", "exchange", "repair"],
        "reasons": [
            {
                "code": "repeated_failures",
                "params": {
                    "count": 2,
                    "requests": "SR-1, SR-2",
                    "limit": 2,
                    "remedies": ["exchange"],
                },
            }
        ],
    }
    request.save(update_fields=["entitlement"])
    rma = services.authorise(agent, request, kind="exchange")
    assert not rma.overridden and "exchange" in rma.allowed_remedies


def test_an_exchange_to_a_serial_already_registered_changes_nothing(faulty_request, agent):
    from aftersales.testing.factories import UnitFactory

    taken = UnitFactory(serial_number="TAKEN01")
    rma = services.authorise(agent, faulty_request(10), kind="exchange")
    rma = services.receive(rma, agent, condition="good")
    rma = services.inspect(rma, agent, fault_confirmed=True)
    with pytest.raises(DomainError, match="already registered"):
        services.exchange(rma, agent, new_serial=taken.serial_number)
    rma.refresh_from_db()
    assert rma.status == RmaStatus.INSPECTED and rma.replacement_unit is None
    assert Unit.objects.get(pk=rma.unit_id).status == UnitStatus.IN_USE
