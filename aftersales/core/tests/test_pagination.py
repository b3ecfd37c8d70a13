"""LargePaginator: the same pages as Django's paginator, ids first; counts estimated on
PostgreSQL beyond a limit."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse

from aftersales.core import pagination
from aftersales.core.pagination import LargePaginator
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_():
    names = ["王芳", "Alice", "李雷", "Bob", "张伟"]
    customers = [CustomerFactory(name=name) for name in names]
    return [ServiceRequestFactory(customer=customers[i % 5], subject=f"r{i}") for i in range(23)]


def _pages(paginator):
    return [[r.pk for r in paginator.page(n)] for n in paginator.page_range]


@pytest.fixture(autouse=True)
def every_page_is_deep(monkeypatch):
    monkeypatch.setattr(pagination, "DEEP", 5)  # pages from the second take their ids first


@pytest.mark.parametrize("order", [("-received_at", "-pk"), ("customer__name", "pk")])
def test_pages_are_the_same_as_djangos(requests_, order):
    rows = ServiceRequest.objects.select_related("customer").filter(subject__startswith="r")
    rows = rows.exclude(subject="r7").order_by(*order)
    ours, django_s = LargePaginator(rows, 5), Paginator(rows, 5)
    assert ours.count == django_s.count == 22
    assert _pages(ours) == _pages(django_s)
    assert ours.estimated is False


def test_a_page_takes_its_ids_then_its_rows(requests_, django_assert_num_queries):
    rows = ServiceRequest.objects.select_related("customer", "unit").order_by("-received_at")
    paginator = LargePaginator(rows, 5)
    paginator.count  # noqa: B018 (counted once, before the page)
    with django_assert_num_queries(1):
        assert len(paginator.page(1)) == 5  # near the top: one query
    with django_assert_num_queries(2):
        page = paginator.page(3)
        names = [r.customer.name for r in page]  # fetched with the rows
    assert len(names) == 5
    ids = list(rows.values_list("pk", flat=True)[10:15])
    assert [r.pk for r in page] == ids


def test_orphans_and_last_page(requests_):
    paginator = LargePaginator(ServiceRequest.objects.order_by("pk"), 10, orphans=3)
    assert paginator.num_pages == 2
    assert len(paginator.page(2)) == 13


def test_beyond_the_limit_the_count_is_an_estimate_on_postgresql(requests_, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 10)
    paginator = LargePaginator(ServiceRequest.objects.order_by("pk"), 5)
    if connection.vendor == "postgresql":
        assert paginator.estimated is False  # not before counting
        assert paginator.count >= 11 and paginator.estimated is True
    else:  # SQLite counts every row
        assert paginator.count == 23 and paginator.estimated is False
    exact = LargePaginator(ServiceRequest.objects.order_by("pk"), 5, estimate=False)
    assert exact.count == 23 and exact.estimated is False


def test_few_rows_are_counted_exactly(requests_, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 23)
    paginator = LargePaginator(ServiceRequest.objects.order_by("pk"), 5)
    assert paginator.count == 23 and paginator.estimated is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_the_queue_says_about_when_estimated(client, agent, requests_, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 10)
    client.force_login(agent)
    response = client.get(reverse("service:queue") + "?sort=-received")
    assert response.context["page_obj"].paginator.estimated
    assert "about" in response.content.decode()
