"""The entitlement decision, case by case: every window edge, exclusions, extended
warranties, contracts, repeated failed repairs, repair days, component terms and a unit
without a purchase date."""

import datetime

import pytest

from aftersales.core.errors import DomainError
from aftersales.testing.factories import CategoryFactory, ProductFactory, UnitFactory
from aftersales.warranty.decision import CHARGEABLE, FREE, PastRepair, Status, evaluate
from aftersales.warranty.models import (
    AfterFailedRepairs,
    ComponentWarranty,
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    WarrantyPolicy,
)

D = datetime.date
BOUGHT = D(2026, 1, 10)
TODAY = D(2028, 12, 31)
R, E, P = "refund", "exchange", "repair"


@pytest.fixture
def category(db):
    category = CategoryFactory(code="AC", name="空调")
    WarrantyPolicy.objects.create(name="空调三包", category=category)
    return category


@pytest.fixture
def unit(category):
    return UnitFactory(product=ProductFactory(category=category), purchased_on=BOUGHT)


def decide(unit, fault="quality", day=BOUGHT, **kwargs):
    return evaluate(unit, fault, day, today=TODAY, **kwargs)


def codes(decision):
    return [reason.code for reason in decision.reasons]


# --- Product defects, window by window (day N is in, day N+1 is out) ----------------------


@pytest.mark.parametrize(
    ("day", "remedies", "charge", "status", "reason"),
    [
        (BOUGHT, [R, E, P], FREE, Status.IN_WARRANTY, "within_return"),
        (D(2026, 1, 17), [R, E, P], FREE, Status.IN_WARRANTY, "within_return"),  # day 7
        (D(2026, 1, 18), [E, P], FREE, Status.IN_WARRANTY, "within_exchange"),  # day 8
        (D(2026, 1, 25), [E, P], FREE, Status.IN_WARRANTY, "within_exchange"),  # day 15
        (D(2026, 1, 26), [P], FREE, Status.IN_WARRANTY, "within_repair"),  # day 16
        (D(2027, 1, 10), [P], FREE, Status.IN_WARRANTY, "within_repair"),  # 12 months
        (D(2027, 1, 11), [P], CHARGEABLE, Status.EXPIRED, "warranty_expired"),  # a day late
    ],
)
def test_product_defect_by_window(unit, day, remedies, charge, status, reason):
    decision = decide(unit, "quality", day)
    assert list(decision.eligible_remedies) == remedies
    assert decision.repair_charge == charge
    assert decision.warranty_status == status
    assert reason in codes(decision)


def test_the_reasons_read_like_an_agent_would_say_them(unit):
    decision = decide(unit, "quality", D(2026, 1, 15))
    assert decision.reason_texts[0] == (
        "Purchased 5 days ago (2026-01-10), within the 7-day return window: refund, "
        "exchange or free repair."
    )
    assert decision.warranty_ends_on == D(2027, 1, 10)
    assert decision.policy["return_days"] == 7


def test_month_end_purchase_counts_to_the_last_day_of_the_month(category):
    unit = UnitFactory(product=ProductFactory(category=category), purchased_on=D(2026, 1, 31))
    assert decide(unit, day=D(2027, 1, 31)).warranty_status == Status.IN_WARRANTY
    assert decide(unit, day=D(2027, 2, 1)).warranty_status == Status.EXPIRED


# --- Exclusions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("customer_damage", "excluded_customer_damage"),
        ("wear", "excluded_wear"),
        ("consumable", "excluded_consumable"),
    ],
)
def test_exclusions_are_charged_even_in_the_return_window(unit, fault, reason):
    decision = decide(unit, fault, BOUGHT + datetime.timedelta(days=2))
    assert list(decision.eligible_remedies) == [P]
    assert decision.repair_charge == CHARGEABLE
    assert decision.warranty_status == Status.IN_WARRANTY  # the unit is in warranty…
    assert reason in codes(decision)  # …but this fault is not covered


def test_a_policy_may_cover_customer_damage(unit, category):
    WarrantyPolicy.objects.filter(category=category).update(excludes_customer_damage=False)
    decision = decide(unit, "customer_damage", D(2026, 6, 1))
    assert (list(decision.eligible_remedies), decision.repair_charge) == ([P], FREE)


def test_an_unknown_cause_is_decided_as_a_defect_and_says_so(unit):
    decision = decide(unit, "unknown", D(2026, 1, 12))
    assert list(decision.eligible_remedies) == [R, E, P]
    assert "cause_unknown" in codes(decision)


# --- No purchase date ---------------------------------------------------------------------


def test_a_unit_without_purchase_date_gets_a_clear_answer(category):
    unit = UnitFactory(product=ProductFactory(category=category), purchased_on=None)
    decision = decide(unit, "quality", D(2026, 6, 1))
    assert decision.warranty_status == Status.UNKNOWN
    assert (list(decision.eligible_remedies), decision.repair_charge) == ([P], CHARGEABLE)
    assert decision.warranty_ends_on is None
    assert "purchase_date_unknown" in codes(decision)
    assert "ask for the invoice" in decision.reason_texts[-2]


def test_a_contract_covers_a_unit_without_purchase_date(category, plan):
    unit = UnitFactory(product=ProductFactory(category=category), purchased_on=None)
    contract_for(unit, plan, D(2026, 1, 1), D(2026, 12, 31))
    decision = decide(unit, "quality", D(2026, 6, 1))
    assert (decision.warranty_status, decision.repair_charge) == (Status.CONTRACT, FREE)


# --- Extended warranties and contracts ------------------------------------------------------


@pytest.fixture
def plan(db):
    return ServicePlan.objects.create(
        code="gold", name="金牌服务", rank=3, response_hours=2, resolution_hours=24, onsite_hours=24
    )


def contract_for(
    unit, plan, starts, ends, status=ContractStatus.ACTIVE, all_units=True, cancelled_on=None
):
    return ServiceContract.objects.create(
        cancelled_on=cancelled_on,
        number=f"CT-{starts.year}-{ServiceContract.objects.count() + 1:04d}",
        customer=unit.customer,
        plan=plan,
        status=status,
        starts_on=starts,
        ends_on=ends,
        all_units=all_units,
    )


def test_extended_warranty_covers_defects_after_the_warranty(unit):
    ExtendedWarranty.objects.create(
        unit=unit, name="延保两年", starts_on=D(2027, 1, 11), ends_on=D(2029, 1, 10)
    )
    decision = decide(unit, "quality", D(2028, 3, 1))
    assert (decision.warranty_status, decision.repair_charge) == (Status.EXTENDED, FREE)
    assert decision.warranty_ends_on == D(2029, 1, 10)
    assert decision.extended_warranty["name"] == "延保两年"
    # but not customer damage, unless it says so
    assert decide(unit, "customer_damage", D(2028, 3, 1)).repair_charge == CHARGEABLE


def test_extended_warranty_with_accidental_damage_covers_a_dropped_phone(unit):
    ExtendedWarranty.objects.create(
        unit=unit,
        name="意外保",
        starts_on=BOUGHT,
        ends_on=D(2028, 1, 10),
        covers_accidental_damage=True,
    )
    decision = decide(unit, "customer_damage", D(2026, 5, 1))
    assert decision.repair_charge == FREE
    assert "extended_accidental" in codes(decision)


def test_contract_covers_after_the_warranty_and_brings_its_plan(unit, plan):
    contract = contract_for(unit, plan, D(2027, 1, 1), D(2027, 12, 31))
    decision = decide(unit, "quality", D(2027, 6, 1))
    assert (decision.warranty_status, decision.repair_charge) == (Status.CONTRACT, FREE)
    assert decision.contract["number"] == contract.number
    assert decision.plan["code"] == "gold"
    assert decision.plan["onsite_hours"] == 24
    assert decision.warranty_ends_on == D(2027, 12, 31)


def test_the_plan_applies_also_while_in_warranty(unit, plan):
    contract_for(unit, plan, D(2026, 1, 1), D(2026, 12, 31))
    decision = decide(unit, "quality", D(2026, 6, 1))
    assert decision.warranty_status == Status.IN_WARRANTY
    assert decision.plan["code"] == "gold"
    assert "contract_sla" in codes(decision)


@pytest.mark.parametrize(
    ("status", "applies"),
    [
        (ContractStatus.QUOTE, False),
        (ContractStatus.DECLINED, False),
        (ContractStatus.CANCELLED, False),
        (ContractStatus.ACCEPTED, True),
        (ContractStatus.ACTIVE, True),
        (ContractStatus.EXPIRED, True),  # for a day when it was in force
        (ContractStatus.RENEWED, True),
    ],
)
def test_which_contracts_count(unit, plan, status, applies):
    contract_for(unit, plan, D(2027, 1, 1), D(2027, 12, 31), status=status)
    assert (decide(unit, day=D(2027, 6, 1)).contract is not None) == applies


@pytest.mark.parametrize(
    ("reported", "covered"),
    [
        (D(2027, 3, 31), True),  # the last day before the cancellation
        (D(2027, 4, 1), False),  # the day it was cancelled
        (D(2027, 6, 1), False),
    ],
)
def test_a_cancelled_contract_covers_the_days_before_its_cancellation(
    unit, plan, reported, covered
):
    contract_for(
        unit, plan, D(2027, 1, 1), D(2027, 12, 31),
        status=ContractStatus.CANCELLED, cancelled_on=D(2027, 4, 1),
    )  # fmt: skip
    assert (decide(unit, day=reported).contract is not None) == covered


def test_a_contract_for_some_units_covers_only_those(unit, plan):
    other = UnitFactory(customer=unit.customer, purchased_on=BOUGHT)
    contract = contract_for(unit, plan, D(2027, 1, 1), D(2027, 12, 31), all_units=False)
    contract.units.add(other)
    assert decide(unit, day=D(2027, 6, 1)).warranty_status == Status.EXPIRED
    assert decide(other, day=D(2027, 6, 1)).warranty_status == Status.CONTRACT


def test_a_plan_without_repairs_still_charges_them(unit, plan):
    plan.covers_repairs = False
    plan.save()
    contract_for(unit, plan, D(2027, 1, 1), D(2027, 12, 31))
    decision = decide(unit, day=D(2027, 6, 1))
    assert decision.repair_charge == CHARGEABLE
    assert decision.plan["code"] == "gold"  # its response targets still hold


def test_a_plan_covering_wear(unit, plan):
    plan.covers_wear = True
    plan.save()
    contract_for(unit, plan, D(2026, 1, 1), D(2026, 12, 31))
    assert decide(unit, "wear", D(2026, 3, 1)).repair_charge == FREE


# --- Repeated failed repairs, and days in repair ------------------------------------------------


def repair(number, received, resolved, keys=("code:1",), free=True):
    return PastRepair(number, received, resolved, frozenset(keys), free)


@pytest.mark.parametrize(
    ("repairs", "remedies"),
    [
        ([], [P]),
        ([repair("SR-1", D(2026, 3, 1), D(2026, 3, 2))], [P]),
        (
            [
                repair("SR-1", D(2026, 3, 1), D(2026, 3, 2)),
                repair("SR-2", D(2026, 4, 1), D(2026, 4, 2)),
            ],
            [R, E, P],
        ),
        (  # a different fault does not count
            [
                repair("SR-1", D(2026, 3, 1), D(2026, 3, 2)),
                repair("SR-2", D(2026, 4, 1), D(2026, 4, 2), keys=("code:9",)),
            ],
            [P],
        ),
        (  # a repair that was charged was no warranty repair
            [
                repair("SR-1", D(2026, 3, 1), D(2026, 3, 2)),
                repair("SR-2", D(2026, 4, 1), D(2026, 4, 2), free=False),
            ],
            [P],
        ),
    ],
)
def test_after_two_failed_repairs_of_the_same_fault(unit, repairs, remedies):
    decision = decide(unit, day=D(2026, 6, 1), fault_keys=frozenset({"code:1"}), repairs=repairs)
    assert list(decision.eligible_remedies) == remedies


def test_the_policy_decides_exchange_only_after_failed_repairs(unit, category):
    WarrantyPolicy.objects.filter(category=category).update(
        after_failed_repairs=AfterFailedRepairs.EXCHANGE, failed_repairs_for_exchange=1
    )
    repairs = [repair("SR-1", D(2026, 3, 1), D(2026, 3, 2))]
    decision = decide(unit, day=D(2026, 6, 1), fault_keys=frozenset({"code:1"}), repairs=repairs)
    assert list(decision.eligible_remedies) == [E, P]
    assert "SR-1" in decision.reason_texts[-1] or "SR-1" in " ".join(decision.reason_texts)


def test_days_in_repair_under_warranty_extend_the_repair_warranty(unit):
    # given a warranty repair that kept the unit 10 days
    repairs = [repair("SR-2026-000007", D(2026, 6, 1), D(2026, 6, 11))]

    # when the unit fails 5 days after the 12 months
    decision = decide(unit, day=D(2027, 1, 15), repairs=repairs)

    # then it is still in warranty, until 10 days later, and the reasons say why
    assert decision.warranty_status == Status.IN_WARRANTY
    assert decision.warranty_ends_on == D(2027, 1, 20)
    assert decision.windows["repair_days_added"] == 10
    assert "SR-2026-000007" in " ".join(decision.reason_texts)
    assert decide(unit, day=D(2027, 1, 21), repairs=repairs).warranty_status == Status.EXPIRED


def test_charged_repairs_do_not_extend_the_warranty(unit):
    repairs = [repair("SR-1", D(2026, 6, 1), D(2026, 6, 11), free=False)]
    assert decide(unit, day=D(2027, 1, 15), repairs=repairs).warranty_status == Status.EXPIRED


# --- Policies: component terms, product overrides, lifetime and no repair ----------------------


def test_a_longer_term_for_the_compressor(unit, category):
    policy = WarrantyPolicy.objects.get(category=category)
    ComponentWarranty.objects.create(policy=policy, component="压缩机", months=24)
    assert decide(unit, day=D(2028, 1, 10), component="压缩机").repair_charge == FREE
    assert decide(unit, day=D(2028, 1, 11), component="压缩机").repair_charge == CHARGEABLE
    assert decide(unit, day=D(2028, 1, 10), component="电路板").repair_charge == CHARGEABLE


def test_a_product_policy_overrides_its_category(unit):
    WarrantyPolicy.objects.create(name="旗舰机型", product=unit.product, exchange_days=30)
    decision = decide(unit, day=D(2026, 2, 9))  # day 30
    assert list(decision.eligible_remedies) == [E, P]
    assert decision.policy["name"] == "旗舰机型"


def test_a_parent_categorys_policy_applies_to_its_children(category):
    child = CategoryFactory(code="AC-WALL", name="壁挂空调", parent=category)
    unit = UnitFactory(product=ProductFactory(category=child), purchased_on=BOUGHT)
    assert decide(unit).policy["name"] == "空调三包"


def test_without_any_policy_the_statutory_terms_apply(db):
    unit = UnitFactory(purchased_on=BOUGHT)
    decision = decide(unit, day=D(2026, 1, 18))
    assert decision.policy["id"] is None
    assert list(decision.eligible_remedies) == [E, P]


def test_lifetime_repair(unit, category):
    WarrantyPolicy.objects.filter(category=category).update(lifetime_repair=True)
    decision = decide(unit, day=D(2028, 6, 1))
    assert (decision.repair_charge, decision.warranty_status) == (FREE, Status.EXPIRED)
    assert "lifetime_repair" in codes(decision)


def test_no_repair_after_the_warranty(unit, category):
    WarrantyPolicy.objects.filter(category=category).update(out_of_warranty_repair=False)
    decision = decide(unit, day=D(2028, 6, 1))
    assert list(decision.eligible_remedies) == []
    assert "no_repair_offered" in codes(decision)


def test_an_exchanged_unit_starts_a_new_warranty(unit):
    unit.warranty_starts_on = D(2026, 9, 1)
    unit.save()
    decision = decide(unit, day=D(2026, 9, 5))
    assert list(decision.eligible_remedies) == [R, E, P]
    assert decision.warranty_ends_on == D(2027, 9, 1)
    assert "warranty_restarted" in codes(decision)


# --- Back-to-back cover -----------------------------------------------------------------------


def test_component_cover_only_for_that_component(unit):
    SupplierWarranty.objects.create(
        supplier="美芝压缩机", product=unit.product, component="压缩机", months=18
    )
    assert decide(unit, day=D(2026, 6, 1), component="压缩机").supplier_cover
    assert decide(unit, day=D(2026, 6, 1), component="主板").supplier_cover == ()
    assert decide(unit, day=D(2026, 6, 1)).supplier_cover == ()  # not yet known


def test_supplier_cover_is_named_for_free_repairs(unit):
    SupplierWarranty.objects.create(supplier="华凌压缩机厂", product=unit.product, months=18)
    decision = decide(unit, day=D(2026, 6, 1))
    assert [c["supplier"] for c in decision.supplier_cover] == ["华凌压缩机厂"]
    assert decide(unit, day=D(2027, 8, 1)).supplier_cover == ()


# --- Bad questions get clear answers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "day", "code"),
    [
        ("broken", BOUGHT, "invalid_fault"),
        ("quality", D(2025, 12, 31), "invalid_date"),
        ("quality", D(2029, 1, 1), "invalid_date"),
    ],
)
def test_bad_questions_are_refused(unit, fault, day, code):
    with pytest.raises(DomainError) as refused:
        decide(unit, fault, day)
    assert refused.value.code == code


def test_the_snapshot_reads_back_the_same(unit, plan):
    contract_for(unit, plan, D(2026, 1, 1), D(2026, 12, 31))
    decision = decide(unit, day=D(2026, 1, 12))
    again = type(decision).from_json(decision.as_json())
    assert again == decision
