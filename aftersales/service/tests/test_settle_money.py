"""What resolving and cancelling mean for money: charges, recovery claims, open quotes."""

from aftersales.service import quotes, services
from aftersales.service.choices import Status
from aftersales.service.tests.quoting import fresh, make_request, quote_in
from aftersales.warranty.models import ClaimStatus, QuoteStatus, SupplierWarranty, VendorClaim


def resolve(request, actor):
    request = services.transition(request, actor=actor, to=Status.IN_PROGRESS)
    return services.transition(
        request,
        actor=actor,
        to=Status.RESOLVED,
        resolution_type="onsite",
        resolution_summary="更换风扇电机",
    )


def test_resolving_turns_the_accepted_quote_into_a_charge(agent, customer):
    # given an out-of-warranty repair whose quote the customer accepted
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.ACCEPTED, request, agent)

    # when the work is done
    resolve(request, agent)

    # then the customer owes the quoted amount, once
    charge = fresh(quote).charge
    assert (charge.amount, charge.status) == (quote.total, "due")
    assert quotes.charge_for_request(fresh(request), actor=agent) == []


def test_a_free_repair_under_supplier_cover_opens_a_recovery_claim(agent, customer):
    # given a defect repaired free, on a product the supplier answers for
    request = make_request(agent, customer, free=True)
    cover = SupplierWarranty.objects.create(
        supplier="美芝压缩机", product=request.unit.product, months=24, labour_rate="120.00"
    )
    # (decided again, now that the cover is known)
    request = services.update_request(request, actor=agent, fault_cause="unknown")
    assert request.entitlement["supplier_cover"][0]["supplier"] == "美芝压缩机"

    # when it is resolved, reopened and resolved again
    request = resolve(request, agent)
    request = services.transition(request, actor=agent, to=Status.IN_PROGRESS, note="又坏了")
    services.transition(
        request,
        actor=agent,
        to=Status.RESOLVED,
        resolution_type="onsite",
        resolution_summary="再修",
    )

    # then one claim asks the supplier for the labour
    claim = VendorClaim.objects.get()
    assert (claim.supplier_warranty, str(claim.amount), claim.status) == (
        cover,
        "120.00",
        ClaimStatus.OPEN,
    )


def test_a_charged_repair_opens_no_claim(agent, customer):
    request = make_request(agent, customer)
    SupplierWarranty.objects.create(
        supplier="美芝压缩机", product=request.unit.product, months=120, labour_rate="120.00"
    )
    resolve(request, agent)
    assert not VendorClaim.objects.exists()


def test_cancelling_withdraws_the_open_quote(agent, customer):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, request, agent)

    services.transition(request, actor=agent, to=Status.CANCELLED, note="客户不修了")

    assert fresh(quote).status == QuoteStatus.WITHDRAWN


def test_a_customer_withdrawing_a_new_request_withdraws_its_quote_too(
    agent, customer, customer_user
):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, request, agent)

    services.transition(request, actor=customer_user, to=Status.CANCELLED, note="不需要了")

    quote = fresh(quote)
    assert quote.status == QuoteStatus.WITHDRAWN
    assert quote.decided_by is None  # the system did it, on the customer's word
