"""Debian's Chromium for Playwright: where it is and how it is started, the one launch of the
browser tests (``tests/browser``) and the screenshots tool (``tools/screenshot.py``).

Playwright is a development dependency: the caller passes its running instance in, so nothing
here imports it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

INSTALL = "apt-get install -y chromium"

#: A headless browser in a container or CI: no sandbox (no user namespaces there), no GPU, and
#: nothing it would fetch or sync on its own.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def executable() -> Path:
    """Debian's Chromium, or the one ``CLOSELOOP_CHROMIUM`` names."""
    return Path(os.environ.get("CLOSELOOP_CHROMIUM", "/usr/bin/chromium"))


def missing() -> str:
    """Why Chromium cannot be started and how to install it, or "" when it can."""
    path = executable()
    if path.exists():
        return ""
    return f"Chromium not found at {path}: install it with `{INSTALL}`"


def launch(playwright: Any) -> Any:
    """Chromium started headless by ``playwright`` (a running ``sync_playwright()``)."""
    return playwright.chromium.launch(executable_path=str(executable()), args=list(FLAGS))
