"""Refresh the README screenshots from a running demo (Playwright + Debian's Chromium).

uv run closeloop demo --port 8765 &
uv run python scripts/screenshot.py http://127.0.0.1:8765 docs/screenshots
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "/login/")
        page.fill("#id_username", "maria")
        page.fill("#id_password", "closeloop-demo")
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        page.goto(base + "/?tab=team")
        page.screenshot(path=str(out / "queue.png"))
        page.locator("table.queue tbody tr a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=str(out / "item.png"), full_page=True)
        page.goto(base + "/appointments/")
        page.screenshot(path=str(out / "appointments.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
