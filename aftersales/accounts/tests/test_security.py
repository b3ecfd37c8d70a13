"""Secure by default: password hashing, security headers, CSRF, login required."""

import pytest
from django.test import Client
from django.urls import reverse

from aftersales import settings as project_settings


def test_passwords_are_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    "url",
    ["/requests/?open=true", "/requests/call/", "/customers/", "/units/", "/requests/mine/"],
)
def test_pages_need_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_forms_need_csrf_token(db, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("service:call"), {"description": "x"})
    assert response.status_code == 403


def test_login_with_wrong_password_is_refused(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "css/app.css",
        "js/app.js",
        "django_htmx/htmx-2.min.js",
    ],
)
def test_assets_are_served_locally_not_from_a_cdn(asset):
    from django.contrib.staticfiles import finders

    assert finders.find(asset), f"{asset} is not among the static files"
