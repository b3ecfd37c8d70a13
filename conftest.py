"""Root pytest configuration: shared fixtures and the browser-test switch."""

import os

import pytest
from django.test import override_settings

pytest_plugins = [
    "aftersales.testing.fixtures",
    "aftersales.testing.browser",
    "aftersales.testing.workers",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests
# make beside it are still synchronous, so Django's async-safety guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes ~0.2 s a hash and tests create many users; production hashing is
    checked in accounts/tests/test_security.py against the settings module itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests serve static files from the source folders; no collectstatic manifest needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _quality_figures_computed_live(settings):
    """The quality pages keep their figures for minutes (analytics.figures_cache); a test
    that changes data between two page loads would read the first; the tests of the
    cache itself switch it on."""
    settings.ANALYTICS_FIGURES_SECONDS = 0


@pytest.fixture(scope="session", autouse=True)
def _english_by_default():
    """Tests read English messages unless they ask for Chinese (Accept-Language: zh-hans),
    also in class- and module-scoped fixtures, which run before function-scoped ones."""
    with override_settings(LANGUAGE_CODE="en"):
        yield
