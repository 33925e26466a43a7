"""Browser tests: Playwright driving Debian's Chromium against a live server.

Without Chromium they skip and say how to install it; under CI (``CI=true``) a missing browser is
a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CLOSELOOP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "to run the browser tests"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open, so Django would refuse the tests' own (synchronous, safe) ORM calls. Allowed only
    # for as long as the browser runs, so the setting never outlives these tests.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
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
def new_page(chromium: Any) -> Iterator[Any]:
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
