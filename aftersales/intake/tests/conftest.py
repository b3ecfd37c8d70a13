"""Shared set-up of the intake tests: an empty rate-limit cache, the webhook secrets, a
unit with its warranty, and public and internal articles."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from aftersales.intake import guards
from aftersales.kb import services as kb
from aftersales.kb.models import Audience, Kind
from aftersales.testing.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    UnitFactory,
)
from aftersales.warranty.models import WarrantyPolicy

WECHAT_TOKEN = "wechat-token-for-tests"
SMS_SECRET = "sms-secret-for-tests"
CHAT_SECRET = "chat-secret-for-tests"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _intake_settings(settings):
    settings.WECHAT_TOKEN = WECHAT_TOKEN
    settings.SMS_WEBHOOK_SECRET = SMS_SECRET
    settings.CHAT_WEBHOOK_SECRET = CHAT_SECRET


@pytest.fixture
def anon():
    return Client(REMOTE_ADDR="203.0.113.7")


def aged_token(seconds: int = 60) -> str:
    """A form token as if the form was shown `seconds` ago."""
    return guards.form_token(now=timezone.now().timestamp() - seconds)


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def aircon_model(aircon):
    return ProductFactory(sku="KFR-35GW", name="壁挂式空调 KFR-35GW", category=aircon)


@pytest.fixture
def policy(aircon):
    return WarrantyPolicy.objects.create(
        name="空调三包", category=aircon, return_days=7, exchange_days=15, repair_months=12
    )


@pytest.fixture
def owner(db):
    return CustomerFactory(name="李雷", phone="13900139000", email="li@example.com")


@pytest.fixture
def unit(owner, aircon_model, policy):
    return UnitFactory(
        serial_number="ACX0001",
        product=aircon_model,
        customer=owner,
        purchased_on=timezone.localdate() - datetime.timedelta(days=60),
    )


@pytest.fixture
def articles(manager, aircon):
    def write(**fields):
        return kb.create_article(manager, publish=True, category=aircon, **fields)

    return {
        "cooling": write(
            title="Air conditioner is not cooling", audience=Audience.PUBLIC,
            symptom="The unit runs but the air is not cold", cause="Dirty filter",
            steps="Clean the filter.\nSet cooling mode.",
        ),
        "guide": write(
            title="What to do when the air conditioner leaks", audience=Audience.PUBLIC,
            kind=Kind.GUIDE, symptom="Water drips", steps="Switch it off and call us.",
        ),
        "internal": write(
            title="Air conditioner not cooling: refrigerant check", audience=Audience.INTERNAL,
            steps="Measure the pressure.",
        ),
    }  # fmt: skip
