"""``closeloop classify`` starts without Django's set-up (issue 34: ≥ 2,000 messages/s on one
core, start-up included): the apps' import was most of its start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHECK = """
import sys
from closeloop.cli import main
try:
    main(["closeloop", "classify", "--input", sys.argv[1]])
finally:
    from django.apps import apps
    sys.stderr.write(f"apps ready: {apps.ready}\\n")
"""


def test_classify_runs_without_loading_the_apps(tmp_path: Path) -> None:
    messages = tmp_path / "in.jsonl"
    messages.write_text(json.dumps({"id": 1, "text": "me duele el pecho"}) + "\n")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECK, str(messages)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["red_flag"] is True
    assert "apps ready: False" in result.stderr
