"""Back-to-back cover and vendor recovery claims: opened once per cover, moved step by step."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.errors import DomainError, NotAllowed
from aftersales.testing.factories import ProductFactory, ServiceRequestFactory, SparePartFactory
from aftersales.warranty import services
from aftersales.warranty.models import ClaimStatus, SupplierWarranty, VendorClaim

C = ClaimStatus


@pytest.fixture
def product(db):
    return ProductFactory(name="商用空调 KFR-72")


@pytest.fixture
def covers(product):
    compressor = SupplierWarranty.objects.create(
        supplier="格力压缩机厂", product=product, component="压缩机", months=36,
        labour_rate=Decimal("280.00"),
    )  # fmt: skip
    installer = SupplierWarranty.objects.create(
        supplier="安装商 华南机电", product=product, months=12, labour_rate=Decimal("150.00")
    )
    return compressor, installer


def snapshot(*covers):
    """The decision's snapshot as the request keeps it (only supplier_cover matters here)."""
    return {
        "repair_charge": "free",
        "supplier_cover": [
            {"id": c.pk, "supplier": c.supplier, "until": "2028-01-10"} for c in covers
        ],
    }


def test_one_open_claim_per_cover_at_its_labour_rate(covers, technician):
    # given
    request = ServiceRequestFactory()

    # when
    claims = services.open_vendor_claims(request, snapshot(*covers), technician)

    # then
    assert [(c.supplier_warranty, c.status, c.amount, c.currency) for c in claims] == [
        (covers[0], C.OPEN, Decimal("280.00"), "CNY"),
        (covers[1], C.OPEN, Decimal("150.00"), "CNY"),
    ]


def test_opening_claims_twice_makes_no_duplicate(covers):
    request = ServiceRequestFactory()
    first = services.open_vendor_claims(request, snapshot(*covers), None)

    again = services.open_vendor_claims(request, snapshot(*covers, covers[0]), None)

    assert [c.pk for c in again] == [c.pk for c in first]
    assert VendorClaim.objects.count() == 2


@pytest.mark.parametrize("decision", [{}, None, {"supplier_cover": []}])
def test_no_cover_no_claim(decision, db):
    assert services.open_vendor_claims(ServiceRequestFactory(), decision, None) == []
    assert VendorClaim.objects.count() == 0


def test_a_cover_that_is_gone_is_skipped(covers):
    request = ServiceRequestFactory()
    decision = {"supplier_cover": [{"id": 999999, "supplier": "?"}, {"id": covers[1].pk}]}
    claims = services.open_vendor_claims(request, decision, None)
    assert [c.supplier_warranty for c in claims] == [covers[1]]


# --- Moving a claim ------------------------------------------------------------------------

NEXT = {
    C.OPEN: [C.SUBMITTED, C.REJECTED],
    C.SUBMITTED: [C.ACCEPTED, C.REJECTED],
    C.ACCEPTED: [C.PAID, C.REJECTED],
    C.PAID: [],
    C.REJECTED: [],
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(C.values, repeat=2)))
def test_every_pair_of_claim_statuses(covers, manager, source, target):
    # given
    claim = VendorClaim.objects.create(
        request=ServiceRequestFactory(),
        supplier_warranty=covers[0],
        status=source,
        amount=Decimal("280.00"),
    )
    before = VendorClaim.objects.filter(pk=claim.pk).values().get()

    if target in NEXT[source]:
        # when
        moved = services.move_claim(
            claim, actor=manager, to=target, reference="GL-2026-088", note="供应商已确认"
        )

        # then
        moved.refresh_from_db()
        assert moved.status == target
        assert moved.reference == "GL-2026-088"
        assert moved.notes.endswith("供应商已确认")
    else:
        with pytest.raises(DomainError) as refused:
            services.move_claim(claim, actor=manager, to=target, note="x")
        allowed = ", ".join(str(C(s).label) for s in NEXT[source]) or "nothing (it is settled)"
        assert str(refused.value) == (
            f"A claim that is {C(source).label} cannot become {C(target).label}. "
            f"Next can be: {allowed}."
        )
        assert VendorClaim.objects.filter(pk=claim.pk).values().get() == before


def test_a_rejection_says_why(covers, manager):
    claim = VendorClaim.objects.create(
        request=ServiceRequestFactory(), supplier_warranty=covers[0], status=C.SUBMITTED
    )
    with pytest.raises(DomainError) as refused:
        services.move_claim(claim, actor=manager, to=C.REJECTED)
    assert str(refused.value) == "Say why the claim was rejected."
    claim.refresh_from_db()
    assert claim.status == C.SUBMITTED


def test_paid_needs_an_amount_and_records_the_one_paid(covers, manager):
    claim = VendorClaim.objects.create(
        request=ServiceRequestFactory(),
        supplier_warranty=covers[0],
        status=C.ACCEPTED,
        amount=Decimal("0"),
    )
    with pytest.raises(DomainError, match="Say how much the supplier paid."):
        services.move_claim(claim, actor=manager, to=C.PAID)

    paid = services.move_claim(claim, actor=manager, to=C.PAID, amount=Decimal("260"))
    assert (paid.status, paid.amount) == (C.PAID, Decimal("260.00"))


def test_an_unknown_status_is_named(covers, manager):
    claim = VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=covers[0])
    with pytest.raises(DomainError, match="done is not a claim status"):
        services.move_claim(claim, actor=manager, to="done")


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician"])
def test_only_managers_move_claims(covers, users, role):
    claim = VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=covers[0])
    with pytest.raises(NotAllowed):
        services.move_claim(claim, actor=users[role], to=C.SUBMITTED)


# --- Supplier cover ------------------------------------------------------------------------


def test_supplier_cover_for_a_spare_part(manager):
    part = SparePartFactory(name="压缩机总成")
    cover = services.save_supplier_warranty(
        SupplierWarranty(supplier=" 格力压缩机厂 ", spare_part=part, months=24), actor=manager
    )
    assert cover.supplier == "格力压缩机厂"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"months": 12},
            {"product": ["Say what the supplier answers for: a product or a spare part."]},
        ),
        ({"months": 0, "product": True}, {"months": ["The cover must last at least one month."]}),
        (
            {"months": 12, "product": True, "labour_rate": Decimal("-1")},
            {"labour_rate": ["The amount cannot be negative."]},
        ),
    ],
)
def test_supplier_cover_that_makes_no_sense_is_refused(manager, product, fields, errors):
    if fields.get("product"):
        fields["product"] = product
    with pytest.raises(ValidationError) as refused:
        services.save_supplier_warranty(
            SupplierWarranty(supplier="某供应商", **fields), actor=manager
        )
    assert refused.value.message_dict == errors
    assert SupplierWarranty.objects.count() == 0
