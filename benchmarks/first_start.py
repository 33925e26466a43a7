"""First start of the demo: from `closeloop demo` on an empty data directory to the first page.

    uv run python benchmarks/first_start.py [--load N] [--runs 1] [--items 600]

Each run starts `closeloop demo` on a new scratch data directory (a fresh clone's situation:
no database yet), on a free loopback port, and polls ``/login/`` until it answers 200; it prints
the demo's own phase lines and a table of the times. ``--load N`` keeps N busy processes
spinning on the CPU during the run (a 2-core machine with other work running: ``--load 2``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

PHASE = re.compile(r"done (?P<name>.+?) \((?P<seconds>[\d.]+) s\)")


def _spin(stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def one_run(items: int | None, timeout: float) -> dict[str, float]:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="closeloop-first-start-") as data_dir:
        command = [sys.executable, "-m", "closeloop", "demo", "--data-dir", data_dir]
        command += ["--port", str(port)]
        if items is not None:
            command += ["--items", str(items)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
        env.pop("DATABASE_URL", None)
        env["TERM"] = "dumb"
        started = time.perf_counter()
        demo = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        phases: dict[str, float] = {}

        def read() -> None:
            for line in demo.stdout or ():
                match = PHASE.search(line)
                if match:
                    phases[match["name"]] = float(match["seconds"])

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        url = f"http://127.0.0.1:{port}/login/"
        try:
            while not _answers(url):
                if demo.poll() is not None:
                    raise SystemExit(f"the demo stopped (exit {demo.returncode})")
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"no first page after {timeout:.0f} s")
                time.sleep(0.2)
            phases["first page served (total)"] = time.perf_counter() - started
            # The older weeks are written beside the server: wait for them too.
            while not any(name.startswith("History of the older") for name in phases):
                if demo.poll() is not None or time.perf_counter() - started > timeout:
                    break
                time.sleep(0.5)
            phases["older weeks written, demo complete (total)"] = time.perf_counter() - started
        finally:
            demo.send_signal(signal.SIGTERM)
            try:
                demo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                demo.kill()
        return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=int, default=0, help="busy processes during the run")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--items", type=int, default=None, help="default: the demo's own")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,)) for _ in range(args.load)]
    for spinner in spinners:
        spinner.start()
    try:
        results = [one_run(args.items, args.timeout) for _ in range(args.runs)]
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
    names = list(results[0])
    print(f"\nFirst start of `closeloop demo` ({os.cpu_count()} cores, {args.load} busy processes)")
    print(f"{'phase':<55} " + " ".join(f"{'run ' + str(n + 1):>8}" for n in range(len(results))))
    for name in names:
        cells = " ".join(f"{r.get(name, float('nan')):>7.1f}s" for r in results)
        print(f"{name:<55} {cells}")
    print(f"(runs from {Path.cwd()})")


if __name__ == "__main__":
    main()
