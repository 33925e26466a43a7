"""Classifier throughput on one core: ``uv run python benchmarks/classify_bench.py``.

Classifies the evaluation set repeatedly (in-process, and through ``closeloop classify``) and
prints messages per second, by the wall clock and per CPU-second (one core's time: the figure
that stays meaningful on a busy machine). Target: at least 2,000 messages/s on one core.
"""

from __future__ import annotations

import json
import os
import resource
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
    classify(texts[0])  # the model is loaded once, before the clock starts
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(ROUNDS):
        for text in texts:
            classify(text)
    in_process = ROUNDS * len(texts) / (time.perf_counter() - started)
    in_process_cpu = ROUNDS * len(texts) / (time.process_time() - cpu)

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for n in range(ROUNDS):
            for i, text in enumerate(texts):
                handle.write(json.dumps({"id": f"{n}-{i}", "text": text}) + "\n")
        path = handle.name
    env = {**os.environ, "CLOSELOOP_ENV": "development"}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", "classify", "--input", path],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    cli = ROUNDS * len(texts) / (time.perf_counter() - started)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli_cpu_seconds = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    cli_cpu = ROUNDS * len(texts) / cli_cpu_seconds
    Path(path).unlink()

    print(f"{'measure':<40}{'messages/s':>14}{'per CPU-second':>16}")
    print(f"{'classify() in process':<40}{in_process:>14,.0f}{in_process_cpu:>16,.0f}")
    print(f"{'closeloop classify (incl. start-up)':<40}{cli:>14,.0f}{cli_cpu:>16,.0f}")
    print(f"{'target (one core)':<40}{2000:>14,}{2000:>16,}")


if __name__ == "__main__":
    main()
