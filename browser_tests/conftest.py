"""One headless Debian Chromium per test session, a fresh browser context per test.

No browser is downloaded: Playwright drives the `chromium` package of the distribution. Without it
the browser tests are skipped on a developer's machine and fail in CI (CI=true).
"""

import threading
from pathlib import Path

import pytest
from django.db import connection

from cosviluppo.testing import skip_unless_available

CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: no sandbox (CI containers run as root), no GPU, and none of the background
# traffic (updates, sync, QUIC probes) a desktop browser would start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Local pages answer in well under a second, even on a busy CI machine: a step that waits longer
# than this is broken, not slow (Playwright's default would be 30 s per step).
TIMEOUT_MS = 15_000

_failed_call = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_failed_call] = True
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_unless_available(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_available("Playwright is not installed: pip install -r requirements-dev.txt")
    # Playwright's sync API keeps an asyncio loop running in this thread, which Django's
    # async-safety check takes for async code: the factories and queries of the test itself
    # (not the live server's thread) would raise SynchronousOnlyOperation. Switched off only
    # while the browser runs, so the rest of the suite keeps the check.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request, tmp_path):
    """A page in a browser context of its own (no cookies shared between tests), in Italian like
    most visitors. Failed requests, JavaScript errors and Content Security Policy refusals are
    collected on `page.problems`, for helpers.assert_page_sound() to report."""
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: _console_problem(page, message))
    page.on("pageerror", lambda error: page.problems.append(f"JavaScript error: {error}"))
    page.on("response", lambda response: _resource_problem(page, response))
    yield page
    if request.node.stash.get(_failed_call, False):
        # What the browser showed when the test failed, for the person reading the report.
        screenshot = tmp_path / "failure.png"
        page.screenshot(path=screenshot, full_page=True)
        print(f"Last page: {page.url}\nScreenshot: {screenshot}")
    context.close()


def _console_problem(page, message) -> None:
    # A failed load is reported by _resource_problem, with its address (the console omits it).
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.problems.append(message.text)


def _resource_problem(page, response) -> None:
    # Pages reached by a click or a redirect are checked here too, not only the ones `visit()` opens.
    # The browser asks for /favicon.ico on its own; the pages never link it.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")


@pytest.fixture(autouse=True)
def one_request_at_a_time(live_server):
    """With SQLite in memory (a developer's machine; CI runs PostgreSQL), the live server's threads
    share the test's one database connection, and two requests at the same moment, which these
    pages make (the autosave and the budget's totals), interleave their transactions on it
    ("database table is locked"). Requests then take turns, as separate connections would make them."""
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return
    server = live_server.thread.httpd
    application, turn = server.get_app(), threading.Lock()

    def in_turn(environ, start_response):
        with turn:
            response = application(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()

    server.set_app(in_turn)
    yield
    server.set_app(application)
