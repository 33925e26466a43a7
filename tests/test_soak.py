"""Nothing is lost when workers are killed (issue 18 #1, #9): real ``closeloop worker``
processes under repeated kill -9, a slow SMTP server and a webhook receiver, on this test run's
database kind (``benchmarks/soak.py``, bounded)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"


@pytest.mark.django_db
def test_killed_workers_lose_no_email_webhook_or_timeline_event() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)
    run = subprocess.run(  # noqa: S603
        [sys.executable, str(SOAK), "--seconds", "12", "--items", "40", "--drain", "90",
         "--smtp-delay", "0.2", "--json"],
        env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["database"] == connection.vendor
    assert result["kills"] >= 3
    emails, hooks, timeline = result["emails"], result["webhooks"], result["timeline"]
    assert emails["expected"] == 3 * 40 and hooks["expected"] == 40
    assert (emails["lost"], hooks["lost"], timeline["lost"]) == (0, 0, 0), result
    assert (emails["unfinished"], hooks["unfinished"]) == (0, 0), result
    assert timeline["twice"] == 0  # deadline work: exactly once
    # Emails and webhooks: at least once; a repeat only where a kill landed mid-send.
    assert emails["twice"] <= result["kills"] and hooks["twice"] <= result["kills"]
    assert emails["gave_up"] == 0
