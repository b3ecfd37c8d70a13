"""Fixtures of the notification tests: a real SMTP server, the in-memory SMS/WeChat
adapter, a clock that can be moved on, and a request with a customer who has email."""

import datetime

import pytest
from django.utils import timezone

from aftersales.notifications.adapters import MemoryAdapter
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory
from aftersales.testing.seeds import ensure_seeded


@pytest.fixture(autouse=True)
def memory(settings):
    """SMS and WeChat go to `MemoryAdapter.outbox` in every test here."""
    settings.SMS_BACKEND = "aftersales.notifications.adapters.MemoryAdapter"
    settings.WECHAT_BACKEND = "aftersales.notifications.adapters.MemoryAdapter"
    MemoryAdapter.reset()
    yield MemoryAdapter
    MemoryAdapter.reset()


@pytest.fixture(autouse=True)
def seeded_templates(request):
    """The templates the data migration seeds; a transactional test elsewhere may have
    flushed them (tests without the database skip this)."""
    if "django_db" not in request.keywords and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    ensure_seeded("notifications")


class Clock:
    """`timezone.now()` for the code under test, moved on by hand."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


from aftersales.testing.smtp import serving_django_mail  # noqa: E402


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port, and Django's mail settings pointed at it."""
    yield from serving_django_mail(settings, "海尔售后 <service@example.com>")


@pytest.fixture
def email_customer(db):
    return CustomerFactory(name="王小明", email="wang@example.com", phone="13800138000")


@pytest.fixture
def sr(db, email_customer):
    return ServiceRequestFactory(
        number="SR-2026-000123", customer=email_customer, subject="空调不制冷"
    )
