"""Each user reads times in their own time zone and pages in their own language."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone, translation

from aftersales.accounts.middleware import UserTimezoneMiddleware
from aftersales.accounts.models import User


def serve(user, cookies=None):
    """Run the middleware around a view that notes the time zone and language it saw."""
    seen = {}

    def view(request):
        seen["tz"] = timezone.get_current_timezone_name()
        seen["language"] = translation.get_language()
        return "response"

    request = RequestFactory().get("/")
    request.user = user
    request.COOKIES.update(cookies or {})
    assert UserTimezoneMiddleware(view)(request) == "response"
    return seen, request


@pytest.fixture(autouse=True)
def _start_in_chinese():
    with translation.override("zh-hans"):
        yield


def test_times_are_shown_in_the_users_time_zone(agent):
    # given
    agent.time_zone = "Europe/Berlin"

    # when
    seen, _ = serve(agent)

    # then inside the request, and only there
    assert seen["tz"] == "Europe/Berlin"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_without_a_time_zone_the_site_default_applies(agent):
    seen, _ = serve(agent)

    assert seen["tz"] == "Asia/Shanghai"


def test_a_stored_time_zone_that_no_longer_exists_falls_back(agent):
    # given a value that bypassed validation (older data, a removed zone)
    agent.time_zone = "Mars/Olympus"

    # when
    seen, _ = serve(agent)

    # then
    assert seen["tz"] == "Asia/Shanghai"


def test_the_profile_language_is_used(agent):
    # given
    agent.language = "en"

    # when
    seen, request = serve(agent)

    # then
    assert seen["language"] == "en"
    assert request.LANGUAGE_CODE == "en"


def test_a_language_chosen_in_this_browser_wins(agent):
    # given
    agent.language = "en"

    # when
    seen, _ = serve(agent, cookies={settings.LANGUAGE_COOKIE_NAME: "zh-hans"})

    # then
    assert seen["language"] == "zh-hans"


@pytest.mark.parametrize("make", [AnonymousUser, lambda: User(role="agent")])
def test_anonymous_or_unset_users_get_the_defaults(make, db):
    seen, _ = serve(make())

    assert seen == {"tz": "Asia/Shanghai", "language": "zh-hans"}
