"""Headless Chromium for end-to-end tests, driven by Playwright's sync API.

Uses Debian's /usr/bin/chromium (or $CHROMIUM_PATH); Playwright's own browser download
is never needed. Without Chromium, only the tests marked `browser` are skipped, and the
run says so at the end.
"""

import os
import shutil

import pytest
from playwright.sync_api import expect

from aftersales.testing.factories import PASSWORD

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    if _chromium():
        return
    skip = pytest.mark.skip(reason="Chromium not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _chromium():
        terminalreporter.write_line(
            "NOTE: browser tests were skipped because Chromium is not installed "
            "(Debian: apt-get install chromium).",
            yellow=True,
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright gives each launch a fresh, empty profile of its own.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    # Assertions wait as long as actions: on CI's two busy cores an htmx round trip to the
    # live server once took longer than `expect`'s own default of 5 s.
    expect.set_options(timeout=10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """login(user) signs `user` in through the login form."""

    def _login(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login
