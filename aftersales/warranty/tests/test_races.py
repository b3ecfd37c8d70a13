"""Several workers at once: each contract moves once, a contract is renewed once, a request
gets one claim per supplier cover. PostgreSQL only (real concurrent connections)."""

import datetime

import pytest

from aftersales.core.errors import DomainError
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import ProductFactory, ServiceRequestFactory
from aftersales.warranty import services
from aftersales.warranty.models import (
    ContractEvent,
    ContractStatus,
    ServiceContract,
    SupplierWarranty,
    VendorClaim,
)

S = ContractStatus
DAY = datetime.timedelta(days=1)
pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_daily_runs_at_once_move_each_contract_once(contract_in, today):
    # given contracts to activate and to expire
    for _ in range(5):
        contract_in(S.ACCEPTED, starts_on=today, ends_on=today + 300 * DAY)
        contract_in(S.ACTIVE, starts_on=today - 300 * DAY, ends_on=today - DAY)

    # when four workers run the daily job at the same moment
    results = run_together(lambda: services.update_contracts(today), [()] * 4)

    # then every contract moved once, with one history row each
    assert not [r for r in results if isinstance(r, BaseException)]
    assert sum(len(r.activated) for r in results) == 5
    assert sum(len(r.expired) for r in results) == 5
    assert ServiceContract.objects.filter(status=S.ACTIVE).count() == 5
    assert ServiceContract.objects.filter(status=S.EXPIRED).count() == 5
    assert ContractEvent.objects.count() == 10


def test_renewing_at_once_makes_one_renewal(contract_in, manager):
    contract = contract_in(S.ACTIVE)

    results = run_together(lambda: services.renew_contract(contract, actor=manager), [()] * 3)

    renewals = [r for r in results if isinstance(r, ServiceContract)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(renewals), len(refused)) == (1, 2)
    assert ServiceContract.objects.filter(renewal_of=contract).count() == 1


def test_claims_opened_at_once_are_one_per_cover(db):
    product = ProductFactory()
    cover = SupplierWarranty.objects.create(supplier="格力压缩机厂", product=product, months=36)
    request = ServiceRequestFactory()
    decision = {"supplier_cover": [{"id": cover.pk}]}

    results = run_together(lambda: services.open_vendor_claims(request, decision, None), [()] * 4)

    assert not [r for r in results if isinstance(r, BaseException)]
    assert VendorClaim.objects.count() == 1
