"""Browser tests: Playwright driving Debian's Chromium against a live server.

Without Chromium they skip and say how to install it; under CI (``CI=true``) a missing browser is
a failure, never a skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from closeloop.demo.seed import DEMO_PASSWORD
from closeloop.lib import chromium as chromium_launch
from closeloop.patients.models import Patient
from closeloop.patients.services import patient_create
from closeloop.practices.models import Category, Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, SupportItem

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


#: Whether the live server serves requests (SQLite's shared connection): closed from a test's
#: end, while its database is flushed, until the next test begins.
_SERVING = {"open": True}


@pytest.fixture(autouse=True)
def _serving_opens_with_each_test() -> None:
    _SERVING["open"] = True


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[Any]:
    """pytest-django's live server, made to behave like a deployment on SQLite's test database.

    The test database on SQLite is in memory, so the server's request threads all share the
    test's one connection. A real deployment gives each thread its own connection; on a shared
    one, two requests at once (a page's htmx calls while a form posts) interleave their
    transactions and fail ("cannot start a transaction within a transaction", "database table is
    locked"). So there requests run one at a time; on PostgreSQL each thread has its own
    connection and they run side by side, as deployed. The server starts after the test database
    exists (``django_db_setup``), else its threads would open connections of their own to the
    in-memory database and lock each other's tables.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    shared = server.thread.connections_override
    handler: type = StaticFilesHandler
    if shared:
        one_at_a_time = threading.Lock()

        class OneAtATime(StaticFilesHandler):
            def __call__(self, environ: Any, start_response: Any) -> Any:
                with one_at_a_time:
                    if not _SERVING["open"]:
                        # Between tests (the database being flushed): a request the closed
                        # pages left queued is answered without touching the database.
                        start_response("503 Service Unavailable", [("Content-Length", "0")])
                        return [b""]
                    return super().__call__(environ, start_response)

        handler = OneAtATime
    # Held by the request being served: the test's end waits on it (``new_page``).
    server.one_at_a_time = one_at_a_time if shared else None
    server.thread = LiveServerThread(
        server.thread.host,
        static_handler=handler,
        connections_override=shared,
        port=server.thread.port,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


def require_chromium() -> None:
    """Skip, saying how to install Chromium, when it is missing; under CI (``CI=true``) a
    missing browser fails instead, so a CI run can never pass without its browser tests."""
    if why := chromium_launch.missing():
        message = f"{why} to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open, so Django would refuse the tests' own (synchronous, safe) ORM calls. Allowed only
    # for as long as the browser runs, so the setting never outlives these tests.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = chromium_launch.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when CLOSELOOP_SCREENSHOTS=1 (to refresh the README), else a temp dir."""
    if os.environ.get("CLOSELOOP_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


@pytest.fixture
def new_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def make(*, javascript: bool = True) -> Any:
        context = chromium.new_context(
            viewport={"width": 1400, "height": 950}, java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    # A request the closed pages left in flight or still queued (a presence poll) would meet
    # the test database being flushed ("database table is locked"): wait for the one being
    # served, and answer the rest without the database until the next test begins.
    if (serving := getattr(live_server, "one_at_a_time", None)) is not None:
        with serving:
            _SERVING["open"] = False


def login(
    page: Any,
    base: str,
    username: str,
    password: str = DEMO_PASSWORD,
    *,
    lands_on: str | None = "/",
) -> None:
    """Sign in through the login form as a person does, and wait to land on ``lands_on`` (the
    queue); ``None`` where the caller waits for the next step itself (two-factor set-up)."""
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if lands_on is not None:
        page.wait_for_url(base + lands_on)


def open_action(page: Any, label: str) -> None:
    """Expand an item page's action form (it may already be open)."""
    details = page.locator("details.action", has=page.locator("summary", has_text=label))
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def ana_lopez(practice: Practice) -> Patient:
    """Ana Lopez, the patient the browser walks find by her number (312-555-0142)."""
    return patient_create(
        practice=practice, first_name="Ana", last_name="Lopez", phone="312-555-0142"
    )


def portal_item(
    practice: Practice, code: str, *, actor: Any, patient: Patient, summary: str
) -> SupportItem:
    """A question that came through the portal, filed by ``actor`` in category ``code``."""
    return lifecycle.item_create(
        practice=practice,
        category=Category.objects.get(practice=practice, code=code),
        channel=Channel.PORTAL,
        actor=actor,
        summary=summary,
        patient=patient,
    )
