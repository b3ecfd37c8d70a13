"""The requests behind every number of /faults/ (selectors): each list is exactly what its
number counted, on the hand-made data of conftest.py."""

import datetime

import pytest

from aftersales.catalog.models import Product
from aftersales.faults import selectors
from aftersales.faults.selectors import Scope
from aftersales.faults.tests.conftest import _at
from aftersales.service.choices import Diagnosis
from aftersales.testing.factories import ServiceRequestFactory, UnitFactory
from aftersales.warranty.models import FaultCause

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _days(requests) -> list[str]:
    return sorted(r.received_at.date().isoformat() for r in requests)


def test_a_fault_codes_requests(field_data):
    e1 = field_data["codes"]["E1"]
    # Not the cancelled one (02-02) nor the one after the period.
    assert _days(selectors.code_requests(Scope(START, END), e1.pk)) == [
        "2026-02-01", "2026-02-10", "2026-03-20", "2026-06-01",
    ]  # fmt: skip


def test_a_components_requests_count_a_request_once(field_data):
    # a1's May request has E2, its February one E1 and E3: compressor twice, board once.
    compressor = selectors.component_requests(Scope(START, END), "compressor")
    assert _days(compressor) == ["2026-02-01", "2026-02-10", "2026-03-20", "2026-05-20",
                                 "2026-06-01"]  # fmt: skip
    assert _days(selectors.component_requests(Scope(START, END), "")) == ["2026-04-01"]


def test_a_parts_requests_are_failures_only(field_data):
    p1, p2 = (r.key for r in selectors.part_pareto(Scope(START, END)))
    assert _days(selectors.part_requests(Scope(START, END), int(p1))) == ["2026-02-01",
                                                                          "2026-02-10"]  # fmt: skip
    # P2 was also used on the operation error of 04-01: not a failure.
    assert _days(selectors.part_requests(Scope(START, END), int(p2))) == ["2026-04-15"]


def test_a_models_failures_and_early_failures(field_data):
    model_a = Scope(START, END, product=field_data["a"])
    assert _days(selectors.failure_requests(model_a)) == [
        "2026-02-01", "2026-02-10", "2026-03-20", "2026-05-20",
    ]  # fmt: skip
    assert _days(selectors.failure_requests(model_a, early=True)) == [
        "2026-02-01", "2026-02-10", "2026-03-20",
    ]  # fmt: skip


def _add_unit_without_purchase_date(field_data):
    unit = UnitFactory(product=field_data["b"], purchased_on=None)
    ServiceRequestFactory(customer=unit.customer, unit=unit, received_at=_at("2026-05-05"),
                          fault_cause=FaultCause.QUALITY, diagnosis=Diagnosis.HARDWARE)  # fmt: skip


@pytest.mark.parametrize("by_batch", [False, True])
def test_every_count_is_the_length_of_its_list(field_data, by_batch):
    _add_unit_without_purchase_date(field_data)
    scope = Scope(START, END)
    for row in selectors.fault_code_pareto(scope):
        assert selectors.code_requests(scope, int(row.key)).count() == row.count
    for row in selectors.component_pareto(scope):
        assert selectors.component_requests(scope, row.key).count() == row.count
    for row in selectors.part_pareto(scope):
        assert selectors.part_requests(scope, int(row.key)).count() == row.extra["requests"]
    rates = selectors.failure_rates(scope, by_batch=by_batch)
    if by_batch:  # the row of the unit without a purchase date
        assert [r.failures for r in rates if r.batch is None] == [1]
    for row in rates:
        product = Product.objects.get(pk=row.product_id)
        narrowed = Scope(START, END, product=product, batch=row.batch if by_batch else None)
        unknown = by_batch and row.batch is None
        assert selectors.failure_requests(narrowed, unknown_batch=unknown).count() == row.failures
        early = selectors.failure_requests(narrowed, early=True, unknown_batch=unknown)
        assert early.count() == row.early


def test_requests_behind_picks_the_number(field_data):
    scope = Scope(START, END)
    e3 = field_data["codes"]["E3"].pk
    assert _days(selectors.requests_behind(scope, code=e3)) == ["2026-02-01", "2026-04-15"]
    assert _days(selectors.requests_behind(scope, component="board")) == ["2026-02-01",
                                                                         "2026-04-15"]  # fmt: skip
    assert selectors.requests_behind(scope).count() == 6  # every failure of the period


def test_the_list_reads_in_a_bounded_number_of_queries(field_data, django_assert_num_queries):
    rows = selectors.listed(selectors.failure_requests(Scope(START, END)))
    with django_assert_num_queries(2):  # the requests with their units, their fault codes
        codes = [(r.unit.product.sku, [c.code for c in r.fault_codes.all()]) for r in rows]
    assert codes[0] == ("SKU-B", ["E1"])  # newest first: b2 on 06-01
