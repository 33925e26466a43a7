"""Refresh the README screenshot: log in to a running demo as maria and capture the queue.

uv run closeloop demo --port 8765 &
uv run python scripts/screenshot.py http://127.0.0.1:8765 docs/screenshot-queue.png
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str, out: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "/login/")
        page.fill("#id_username", "maria")
        page.fill("#id_password", "closeloop-demo")
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
