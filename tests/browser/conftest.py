"""Browser test harness: Playwright, through pytest-playwright, driving Debian's Chromium, headless,
against a live server. A failed test that used `page` or `phone_page` leaves a full-page
screenshot and the page's requests and console (`_open_page`) in test-artifacts/, where
pytest-playwright's own artifacts go too (`--tracing retain-on-failure`, `--video`).

Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside
one unless told it is safe, which it is here (one thread per test, no real concurrency).
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from tests.helpers import login

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait as long as actions do (the contexts' default timeout below): on a loaded
# 2-core machine a page after a click can take longer than Playwright's 5 s default, and at a
# load average of 15 (several suites at once) longer than 10 s. Only a failing wait lasts this long.
BROWSER_TIMEOUT_MS = 20_000
expect.set_options(timeout=BROWSER_TIMEOUT_MS)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the background-networking flags Chromium keeps calling home, which a closed network
# refuses; sandboxing needs user namespaces that CI (as root) does not offer.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's `browser` is Debian's Chromium, headless unless `--headed`."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh test")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Every context made through pytest-playwright (`context`, `new_context`, `page`) opens the
    portal's live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


def _open_page(new_context, request, **options):
    context = new_context(**options)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    # What the page asked of the server and said on its console, kept for a failed test's
    # artifacts next to its screenshot: a rare failure under load is otherwise only a picture.
    # (pytest-playwright's --screenshot would photograph every page of every test, failed or
    # not, and throw the passed ones away.)
    journal = []

    def note(kind):
        def record(item):
            text = item.text if kind == "console" else f"{item.method} {item.url}"
            journal.append(f"{time.monotonic():.3f} {kind} {text}")

        return record

    page.on("request", note("request"))
    page.on("requestfinished", note("finished"))
    page.on("requestfailed", note("failed"))
    page.on("console", note("console"))
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.log").write_text("\n".join(journal) + "\n")


@pytest.fixture
def page(new_context, live_server, request, transactional_db):
    """A desktop-sized page (pytest-playwright's, sized and journalled)."""
    yield from _open_page(new_context, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(new_context, live_server, request, transactional_db):
    """A phone-sized page (390 x 844, touch)."""
    yield from _open_page(new_context, request, **PHONE)


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, username)` gives the page's browser the session a login through the form
    would, without the form: for journeys about what comes after signing in. The login paths
    themselves (password, lockout, two factors, reset) keep their real journeys through the form
    (test_foundation_journeys, test_security_journeys, test_password_reset_journey)."""

    def sign_in(page, username):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
        )

    return sign_in


# Older test modules import `login` from here; it lives in tests/helpers.py.
__all__ = ["login"]
