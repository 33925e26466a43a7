"""Readers beside writers: signed-in readers of the queue page and ``GET /api/v1/items`` while
the demo writes its older weeks, intake arrives through the API and a worker runs tasks and the
sweep; counts every answer of 500 or more and every task that failed.

    uv run python benchmarks/readers_beside_writers.py [--seconds 60] [--readers 20] [--json]

SQLite by default (a file in a scratch data directory: an in-memory database cannot show
"database is locked"); with ``DATABASE_URL=postgres://…`` a scratch database
``closeloop_readers_<pid>`` is created on that server and dropped afterwards. Real processes:
``closeloop serve`` (waitress, 8 threads) on a free loopback port, ``closeloop worker`` (tasks,
and the sweep every 5 s) and ``closeloop demo --older-history`` (the demo's bulk writer, as it
runs beside a fresh demo). Half the readers ask for the queue page with a session cookie, half
for ``GET /api/v1/items`` with an API token; one more client files items through the API.

It reports the answers by path and status, the readers' latency, how many items each writer
wrote inside the window (so a run where nothing was written cannot pass as "readers beside
writers"), the task rows by status, and the "database is locked" and "sweep failed" lines of
the processes' logs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import scratch_database, session_cookie

PASSWORD = "closeloop-demo"  # noqa: S105  (the demo's published password)
READER = "maria"  # serves both demo practices
SUMMARIES = [
    "Needs to move Thursday's appointment to next week",
    "Asking whether the referral to cardiology was sent",
    "Portal message: insurance card photo attached",
    "Cannot join the video visit, link says expired",
]

#: The readers' API token.
TOKEN = f"""
from django.contrib.auth import get_user_model
from closeloop.api.models import ApiToken
print(ApiToken.issue(user=get_user_model().objects.get(username="{READER}"))[1])
"""

COUNT = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
failed = list(DBTaskResult.objects.filter(status="FAILED")
              .values_list("task_path", "exception_class_path")[:10])
print(json.dumps({"tasks": tasks, "failed": failed}))
"""


def closeloop(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", *args],
        env=env, capture_output=True, text=True, check=True, timeout=600,
    ).stdout  # fmt: skip


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "closeloop", *args],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to all at once (the worker finishes its task), then a kill after 30 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def counts(env: dict[str, str]) -> dict[str, Any]:
    out = closeloop(env, "shell", "-c", COUNT)
    return dict(json.loads(out.strip().splitlines()[-1]))


def wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=10)  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.intakes = 0

    def add(self, path: str, status: int | str, seconds: float | None) -> None:
        with self.lock:
            self.answers[f"{path} {status}"] += 1
            if seconds is not None:
                self.latencies.append(seconds)


def ask(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: Any
) -> int | str:
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # reconnects at the next request
        return type(exc).__name__


def reader(port: int, path: str, headers: dict[str, str], end: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < end:
        started = time.perf_counter()
        status = ask(conn, "GET", path, headers, None)
        tally.add(path, status, time.perf_counter() - started)
    conn.close()


def intake(port: int, token: str, end: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < end:
        body = {
            "practice": ("riverside", "lakeside")[n % 2],
            "channel": ("phone", "portal", "voicemail")[n % 3],
            "summary": SUMMARIES[n % len(SUMMARIES)],
            "callback_number": f"+1312555{n % 100:04d}",
        }
        status = ask(conn, "POST", "/api/v1/items", headers, json.dumps(body))
        tally.add("POST /api/v1/items", status, None)
        if status == 201:
            with tally.lock:
                tally.intakes += 1
        n += 1
    conn.close()


def failed(status: str) -> bool:
    """An answer of 500 or more, or none (the connection failed or timed out)."""
    return not status.isdigit() or int(status) >= 500


def written_so_far(plan_file: Path) -> int:
    """Older items the demo has committed (it rewrites its plan file after each)."""
    for _ in range(100):
        try:
            return int(json.loads(plan_file.read_text())["written"])
        except (ValueError, KeyError):
            time.sleep(0.01)  # caught half written
    raise SystemExit(f"cannot read {plan_file}")


def wait_for_first_write(plan_file: Path, writer: subprocess.Popen[bytes]) -> None:
    """The window opens once the bulk writer writes (its start takes seconds)."""
    for _ in range(1200):
        if writer.poll() is not None:
            raise SystemExit("the demo's writer stopped")
        if written_so_far(plan_file) > 0:
            return
        time.sleep(0.1)
    raise SystemExit("the demo's writer wrote nothing in 120 s")


def percentile_ms(ordered: list[float], p: float) -> float:
    return round(ordered[int(p * (len(ordered) - 1))] * 1000, 1) if ordered else 0.0


def log_lines(log: Path, text: str) -> int:
    return log.read_text(errors="replace").count(text) if log.exists() else 0


def run(seconds: float, readers: int, writers: bool = True, keep: bool = False) -> dict[str, Any]:
    """On a scratch database and data directory, dropped and removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="closeloop-readers-"))
    url, drop = scratch_database(workdir, "readers", "closeloop.sqlite3")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "CLOSELOOP_ENV": "demo",
        "CLOSELOOP_DATA_DIR": str(workdir),
        "CLOSELOOP_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
    }
    try:
        result = measure(workdir, env, port, seconds, readers, writers)
    finally:
        drop()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return {
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        **result,
        "workdir": str(workdir) if keep else "",
    }


def measure(
    workdir: Path, env: dict[str, str], port: int, seconds: float, readers: int, writers: bool
) -> dict[str, Any]:
    began = time.monotonic()
    logs = {name: workdir / f"{name}.log" for name in ("server", "worker", "writer")}
    procs: list[subprocess.Popen[bytes]] = []
    tally = Tally()
    closeloop(env, "demo", "--no-serve", "--patients", "40", "--items", "20")
    seeded = time.monotonic()
    # What a demo started with its server leaves for the older weeks: a plan larger than the
    # window can write, so the bulk writer writes throughout.
    plan_file = workdir / "demo-history-plan.json"
    plan = {"items": 100_000, "weeks": 8, "now": datetime.now(UTC).isoformat(),
            "seed_value": 7, "written": 0}  # fmt: skip
    plan_file.write_text(json.dumps(plan))
    try:
        server = start(env, logs["server"], "serve", "--port", str(port), "--trusted-proxy", "")
        procs.append(server)
        if writers:  # each takes seconds to start: beside the rest of the set-up
            procs.append(start(env, logs["worker"], "worker", "--interval", "0.2", "--tick", "5"))
            procs.append(start(env, logs["writer"], "demo", "--older-history"))
        token = closeloop(env, "shell", "-c", TOKEN).strip().splitlines()[-1]
        wait_until_serving(port, server)
        kinds = [("/", {"Cookie": session_cookie(port, READER, PASSWORD)}),
                 ("/api/v1/items", {"Authorization": f"Bearer {token}"})]  # fmt: skip
        if writers:
            wait_for_first_write(plan_file, procs[-1])
        written_before = written_so_far(plan_file)
        window = time.monotonic()
        end = window + seconds
        threads = [
            threading.Thread(target=reader, args=(port, *kinds[i % 2], end, tally))
            for i in range(readers)
        ]
        if writers:
            threads.append(threading.Thread(target=intake, args=(port, token, end, tally)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        written = written_so_far(plan_file) - written_before
    finally:
        stop(procs)
    stopped = time.monotonic()
    after = counts(env)
    latencies = sorted(tally.latencies)
    return {
        "seconds": seconds,
        "readers": readers,
        "writers": writers,
        "answers": dict(sorted(tally.answers.items())),
        "errors": sum(n for key, n in tally.answers.items() if failed(key.split()[-1])),
        "reads": len(latencies),
        "read_p50_ms": percentile_ms(latencies, 0.50),
        "read_p95_ms": percentile_ms(latencies, 0.95),
        "read_max_ms": percentile_ms(latencies, 1.0),
        "written_by_demo": written,
        "written_by_intake": tally.intakes,
        "tasks": after["tasks"],
        "failed_tasks": after["tasks"].get("FAILED", 0),
        "failed_examples": after["failed"],
        "database_is_locked": sum(log_lines(log, "database is locked") for log in logs.values()),
        "sweep_failed": log_lines(logs["worker"], "sweep failed"),
        "seed_seconds": round(seeded - began, 1),
        "setup_seconds": round(window - began, 1),
        "stop_seconds": round(stopped - end, 1),
        "total_seconds": round(time.monotonic() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument(
        "--no-writers", action="store_true", help="the readers alone, for comparison"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directory and logs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.seconds, args.readers, writers=not args.no_writers, keep=args.keep)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
