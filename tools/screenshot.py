"""Refresh the README screenshots from a running demo (Playwright + Debian's Chromium).

uv run closeloop demo --port 8765 --data-dir ./closeloop-data &
uv run python tools/screenshot.py http://127.0.0.1:8765 docs/screenshots ./closeloop-data

With the demo's data directory, it also walks the patient's side on a phone, in Spanish: the
web form's emergency reply, a working status link and an expired one (tokens are stored only as
hashes: the links are read from the messages the demo recorded, as a patient's phone has them).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from closeloop.lib import chromium

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
         "has_touch": True, "locale": "es-US"}  # fmt: skip
LINK = re.compile(r"/s/([A-Za-z0-9_-]{20,64})")


def spanish_links(base: str, data_dir: Path) -> dict[str, str]:
    """A working link to an open item and an expired link, from the Spanish messages the demo
    recorded (each token looked up by its hash, as the server does; the pages say the rest)."""
    db = sqlite3.connect(f"file:{data_dir / 'closeloop.sqlite3'}?mode=ro", uri=True)
    bodies = db.execute(
        "SELECT m.body FROM messaging_outboundmessage m WHERE m.language = 'es' "
        "AND m.body LIKE '%/s/%' ORDER BY m.id DESC"
    ).fetchall()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    found: dict[str, str] = {}
    for (body,) in bodies:
        for token in LINK.findall(body):
            row = db.execute(
                "SELECT l.expires_at, l.revoked_at, i.status FROM messaging_statuslink l "
                "JOIN support_queue_supportitem i ON i.id = l.item_id WHERE l.token_hash = ?",
                [hashlib.sha256(token.encode()).hexdigest()],
            ).fetchone()
            if row is None or row[1] is not None:
                continue
            if row[0] < now:
                found.setdefault("expired", f"{base}/s/{token}")
            elif row[2] not in ("resolved", "closed"):
                found.setdefault("working", f"{base}/s/{token}")
    return found


def phone_walk(browser: Any, base: str, out: Path, data_dir: Path) -> None:
    """The patient's side on a phone, in Spanish."""
    page = browser.new_page(**PHONE)
    page.goto(base + "/p/riverside/contact/?lang=es")
    page.fill("#id_name", "Rosa Díaz")
    page.fill("#id_phone", "312-555-0177")
    page.fill("#id_message", "Me aprieta el pecho y casi no me entra el aire.")
    page.click("button[type=submit]")
    page.wait_for_selector("a[href='tel:911']")
    page.screenshot(path=str(out / "es-emergency-reply.png"))
    links = spanish_links(base, data_dir)
    for kind, name in (("working", "es-status-link.png"), ("expired", "es-expired-link.png")):
        if kind in links:
            page.goto(links[kind])
            page.screenshot(path=str(out / name), full_page=True)
        else:
            print(f"no {kind} Spanish status link in the demo's messages")
    page.close()


def main(base: str, out: Path, data_dir: Path | None = None) -> None:
    if why := chromium.missing():
        sys.exit(why)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = chromium.launch(p)
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
        if data_dir is not None:
            phone_walk(browser, base, out, data_dir)
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the running demo, e.g. http://127.0.0.1:8765")
    parser.add_argument("out", type=Path, help="where the screenshots go, e.g. docs/screenshots")
    parser.add_argument(
        "data_dir", type=Path, nargs="?", help="the demo's data directory (the phone walk)"
    )
    args = parser.parse_args()
    main(args.base, args.out, args.data_dir)
