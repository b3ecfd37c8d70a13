"""API tokens: shown once, stored only as a digest, refused when revoked or inactive."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tokens import digest, issue_token, user_for_token


def test_a_token_is_stored_only_as_its_digest(agent):
    # when
    raw = issue_token(agent, name="ERP 对接")

    # then nothing in the database is the token itself
    token = ApiToken.objects.get(user=agent)
    assert token.digest == digest(raw) != raw
    assert token.prefix == raw[:8]
    assert token.name == "ERP 对接"
    assert not ApiToken.objects.filter(digest=raw).exists()
    assert len(raw) >= 40


def test_each_token_is_different(agent):
    assert issue_token(agent) != issue_token(agent)


def test_a_token_identifies_its_user(agent):
    # given
    raw = issue_token(agent)

    # when / then
    assert user_for_token(raw) == agent


@pytest.mark.parametrize("raw", ["", "not-a-token", "Token abc"])
def test_an_unknown_token_identifies_nobody(raw, agent):
    issue_token(agent)

    assert user_for_token(raw) is None


def test_a_revoked_token_identifies_nobody(agent):
    # given
    raw = issue_token(agent)

    # when
    ApiToken.objects.filter(user=agent).delete()

    # then
    assert user_for_token(raw) is None


def test_the_token_of_a_deactivated_user_identifies_nobody(agent):
    # given
    raw = issue_token(agent)

    # when
    agent.is_active = False
    agent.save()

    # then
    assert user_for_token(raw) is None


def test_use_is_recorded_now_and_then(agent, django_assert_num_queries):
    # given
    raw = issue_token(agent)

    # when used for the first time, then again at once
    user_for_token(raw)
    first = ApiToken.objects.get().last_used_at
    with django_assert_num_queries(1):  # only the look-up; no write on every call
        user_for_token(raw)

    # then
    assert first is not None
    assert ApiToken.objects.get().last_used_at == first


def test_use_is_recorded_again_after_a_while(agent):
    # given a token last used an hour ago
    raw = issue_token(agent)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ApiToken.objects.update(last_used_at=an_hour_ago)

    # when
    user_for_token(raw)

    # then
    assert ApiToken.objects.get().last_used_at > an_hour_ago
