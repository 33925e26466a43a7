"""Classifier throughput on one core: ``uv run python benchmarks/classify_bench.py``.

Classifies the evaluation set repeatedly (in-process, and through ``closeloop classify``) and
prints messages per second. Target: at least 2,000 messages/s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from closeloop.lib.classify import classify
from closeloop.triage.evaluate import EVAL_SET

ROUNDS = 30


def main() -> None:
    texts = [json.loads(line)["text"] for line in EVAL_SET.read_text().splitlines() if line]
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            classify(text)
    in_process = ROUNDS * len(texts) / (time.perf_counter() - started)

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for n in range(ROUNDS):
            for i, text in enumerate(texts):
                handle.write(json.dumps({"id": f"{n}-{i}", "text": text}) + "\n")
        path = handle.name
    env = {**os.environ, "CLOSELOOP_ENV": "development"}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", "classify", "--input", path],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    cli = ROUNDS * len(texts) / (time.perf_counter() - started)
    Path(path).unlink()

    print(f"{'measure':<40}{'messages/s':>14}")
    print(f"{'classify() in process':<40}{in_process:>14,.0f}")
    print(f"{'closeloop classify (incl. start-up)':<40}{cli:>14,.0f}")
    print(f"{'target':<40}{2000:>14,}")


if __name__ == "__main__":
    main()
