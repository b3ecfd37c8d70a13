"""Several people at once: one return per unit, one outcome per return, one credit per
traded-in unit. PostgreSQL only (real concurrent connections)."""

import pytest

from aftersales.core.errors import DomainError
from aftersales.returns import services
from aftersales.returns.models import ReturnAuthorisation, TradeInCredit
from aftersales.testing.concurrency import needs_postgres, run_together

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_agents_starting_a_return_of_the_same_unit_make_one(agent, manager, faulty_request):
    request = faulty_request(5)

    results = run_together(
        lambda actor: services.authorise(actor, request, kind="refund"), [(agent,), (manager,)]
    )

    made = [r for r in results if isinstance(r, ReturnAuthorisation)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert ReturnAuthorisation.objects.filter(request=request).count() == 1


def test_two_refunds_recorded_at_once_refund_once(agent, manager, faulty_request):
    rma = services.authorise(agent, faulty_request(5), kind="refund", price_paid="1000")
    rma = services.receive(rma, agent, condition="good")
    rma = services.inspect(rma, agent, fault_confirmed=True)

    results = run_together(
        lambda actor: services.refund(rma, actor, method="cash", version=rma.version),
        [(agent,), (manager,)],
    )

    assert sum(isinstance(r, ReturnAuthorisation) for r in results) == 1, results
    assert rma.events.filter(action="refunded").count() == 1


def test_a_unit_traded_in_twice_at_once_gets_one_credit(
    agent, manager, customer, phone_model, trade_in_rates
):
    from aftersales.testing.factories import UnitFactory

    unit = UnitFactory(customer=customer, product=phone_model)

    results = run_together(
        lambda actor: services.issue_credit(actor, unit, "good"), [(agent,), (manager,)]
    )

    assert sum(isinstance(r, TradeInCredit) for r in results) == 1, results
    assert TradeInCredit.objects.filter(old_unit=unit).count() == 1
