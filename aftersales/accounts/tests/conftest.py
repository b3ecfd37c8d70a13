"""Fixtures of the customer-account tests: SMS to the in-memory adapter, the message
templates for invitations and codes, a clean cache (the limits live there), the sign-up
API paths, and helpers that read a code or link from what was sent."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.cache import cache

from aftersales.notifications.adapters import MemoryAdapter
from aftersales.notifications.models import OutboundMessage
from aftersales.testing.seeds import ensure_seeded

PORTAL_TEMPLATES = "aftersales.notifications.migrations.0018_seed_portal_templates"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = "aftersales.notifications.adapters.MemoryAdapter"
    MemoryAdapter.reset()
    yield MemoryAdapter
    MemoryAdapter.reset()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _portal_templates(request):
    """A transactional test elsewhere may have flushed the seeded templates."""
    if "django_db" not in request.keywords and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    ensure_seeded("notifications")
    importlib.import_module(PORTAL_TEMPLATES).seed(apps, None)


def last_message(to: str) -> OutboundMessage:
    return OutboundMessage.objects.filter(to_address=to).latest("id")


def code_sent_to(to: str) -> str:
    return re.search(r"\b(\d{6})\b", last_message(to).body).group(1)


def link_sent_to(to: str) -> str:
    """The path of the invitation link in the last message to `to`."""
    return re.search(r"(/accounts/invite/\S+/)", last_message(to).body).group(1)
