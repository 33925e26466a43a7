"""Readers never fail because something else writes, and writers wait their turn (issue 29 #5):
20 signed-in readers of the queue page and ``GET /api/v1/items`` for 60 s beside the demo's
bulk writer, intake through the API and a worker running tasks and the sweep, all real
processes on this test run's database kind (``benchmarks/readers_beside_writers.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "readers_beside_writers.py"


@pytest.mark.django_db
def test_readers_get_no_5xx_and_no_task_fails_while_bulk_writers_write() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)  # a SQLite file of its own, in a scratch data directory
    run = subprocess.run(  # noqa: S603
        [sys.executable, str(BENCH), "--seconds", "60", "--readers", "20", "--json"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["database"] == connection.vendor
    # The reads were beside writes: both writers wrote inside the window, the worker ran tasks.
    assert result["reads"] >= 100, result
    assert result["written_by_demo"] >= 5 and result["written_by_intake"] >= 5, result
    assert result["tasks"].get("SUCCESSFUL", 0) >= 1, result
    assert result["errors"] == 0, result["answers"]  # no answer of 500 or more, none cut off
    assert result["failed_tasks"] == 0, result["failed_examples"]
    assert (result["database_is_locked"], result["sweep_failed"]) == (0, 0), result
