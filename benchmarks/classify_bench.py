"""Classifier throughput on one core: ``uv run python benchmarks/classify_bench.py``.

Two sets of messages, each in-process and through ``closeloop classify``, in messages per second
by the wall clock and per CPU-second (one core's time: the figure that stays meaningful on a busy
machine). Target: at least 2,000 messages/s on one core.

- **distinct**: every message of the labelled files once (no message repeats, so no cache of a
  whole message helps: the honest figure), measured first, in a fresh process;
- **repeated**: the evaluation set ``ROUNDS`` times over (repeats flatter the caches).
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
DATA = EVAL_SET.parent
#: The labelled files read once each for the distinct measurement (never the split of record,
#: heldout6.jsonl, nor heldout7.jsonl, kept for a later pass).
DISTINCT_FILES = ("own", "public", "eval", "dev", "heldout_new", "heldout3", "heldout4", "heldout5")


def _texts(path: Path) -> list[str]:
    rows = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return [row["text"] for row in rows if isinstance(row.get("text"), str)]


def distinct_texts() -> list[str]:
    """Every text of ``DISTINCT_FILES`` once, in file order."""
    seen: dict[str, None] = {}
    for name in DISTINCT_FILES:
        seen.update(dict.fromkeys(_texts(DATA / f"{name}.jsonl")))
    return list(seen)


def in_process(texts: list[str]) -> tuple[float, float]:
    """(messages/s by the wall clock, per CPU-second) for ``classify`` over ``texts``."""
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        classify(text)
    return (
        len(texts) / (time.perf_counter() - started),
        len(texts) / (time.process_time() - cpu),
    )


def through_cli(texts: list[str]) -> tuple[float, float]:
    """(messages/s, per CPU-second) for ``closeloop classify`` over ``texts``, start-up included."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": str(i), "text": text}) + "\n")
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
    wall = len(texts) / (time.perf_counter() - started)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    Path(path).unlink()
    return wall, len(texts) / seconds


def main() -> None:
    distinct = distinct_texts()
    repeated = _texts(EVAL_SET) * ROUNDS
    classify("warm up")  # the model is loaded once, before the clock starts
    rows = [
        (f"classify() in process, distinct ({len(distinct):,})", in_process(distinct)),
        (f"classify() in process, repeated ({len(repeated):,})", in_process(repeated)),
        ("closeloop classify, distinct (incl. start-up)", through_cli(distinct)),
        ("closeloop classify, repeated (incl. start-up)", through_cli(repeated)),
    ]
    print(f"{'measure':<50}{'messages/s':>12}{'per CPU-second':>16}")
    for name, (wall, cpu) in rows:
        print(f"{name:<50}{wall:>12,.0f}{cpu:>16,.0f}")
    print(f"{'target (one core)':<50}{2000:>12,}{2000:>16,}")


if __name__ == "__main__":
    main()
