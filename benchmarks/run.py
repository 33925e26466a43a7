"""The scale benchmark: ``uv run python benchmarks/run.py [--items N] [--reuse]``.

On a fresh database it creates itself (SQLite in a temporary folder; with ``DATABASE_URL`` a
PostgreSQL scratch database, which it empties first) it bulk-loads N items (default 1,000,000)
across 200 practices with a year of history and a realistic status mix, then runs Closeloop
under gunicorn (2 worker processes, DEBUG off) on 127.0.0.1 and measures with a bounded load
client (every loop is limited in requests and in seconds):

* intake ``POST /api/v1/items`` (triage, routing, timeline, webhooks outbox, audit log all on)
  with 2 and 8 concurrent clients: throughput and p50/p95/p99 latency;
* the queue page (HTML), ``GET /api/v1/items`` and the item page: p50/p95, one client;
* SQL queries per page (in process, counted at the database cursor);
* the metrics dashboard for one practice and one month; one deadline sweep with ~100,000 open;
* ``closeloop classify`` throughput; peak RSS of a web worker and of ``closeloop worker``.

It prints one table (with each target) and writes JSON (``--json-out``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--items", type=int, default=1_000_000)
PARSER.add_argument("--practices", type=int, default=200)
PARSER.add_argument("--reuse", action="store_true", help="time again on an earlier build")
PARSER.add_argument("--seconds", type=float, default=20.0, help="limit per load phase")
PARSER.add_argument("--port", type=int, default=8791)
PARSER.add_argument("--json-out", type=Path)
ARGS = PARSER.parse_args()

os.environ.setdefault("CLOSELOOP_ENV", "development")
os.environ["DEBUG"] = "false"
if "DATABASE_URL" not in os.environ and "CLOSELOOP_DATA_DIR" not in os.environ:
    os.environ["CLOSELOOP_DATA_DIR"] = tempfile.mkdtemp(prefix="closeloop-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from closeloop.api.models import ApiToken  # noqa: E402
from closeloop.metrics.definitions import Scope, report  # noqa: E402
from closeloop.patients.models import Patient  # noqa: E402
from closeloop.periodic.sweep import sweep  # noqa: E402
from closeloop.practices.models import Practice  # noqa: E402
from closeloop.support_queue.models import OPEN_STATUSES, SupportItem  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from harness import session_cookie  # noqa: E402

import data  # noqa: E402

#: A virtual assistant serving ten practices (about 50,000 items, 5,000 open): the person on
#: the phone. OWNER serves all 200 practices and owns an eighth of every practice's items.
VA = "va"
OWNER = "owner1"
PASSWORD = "bench password 1"
VA_PRACTICES = 10
MESSAGES = [
    json.loads(line)["text"]
    for line in (ROOT / "src/closeloop/triage/data/eval.jsonl").read_text().splitlines()
    if line.strip()
]


# --- load client -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))] if ordered else 0.0


def load(make_request: Any, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    """``clients`` threads, each with one keep-alive connection, until either limit."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=60)
        rng = random.Random()
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            method, path, body, headers = make_request(rng)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 400:
                    errors.append(response.status)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "per_s": round(len(latencies) / wall, 1) if wall else 0,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0,
    }


# --- the server --------------------------------------------------------------------------------


def start_server() -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "gunicorn", "closeloop.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{ARGS.port}", "--timeout", "120",
            "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning",
        ],
        env={**os.environ},
        cwd=ROOT,
    )  # fmt: skip
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", ARGS.port), timeout=1):
                pass
            urllib.request.urlopen(f"http://127.0.0.1:{ARGS.port}/healthz/", timeout=10)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# --- in-process measurements -------------------------------------------------------------------


def count_queries(client: Client, path: str, **headers: str) -> int:
    counted = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.get(path, **headers)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} {response.get('Location', '')}")
    return counted[0]


def timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return round((time.perf_counter() - started) * 1000, 1)


def main() -> None:
    results: dict[str, Any] = {"database": connection.vendor, "items": ARGS.items}
    started = time.perf_counter()
    if ARGS.reuse and SupportItem.objects.count() >= ARGS.items:
        results["build_s"] = 0
    else:
        data.build(ARGS.items, practices=ARGS.practices, patients_per_practice=100)
        results["build_s"] = round(time.perf_counter() - started)
    from django.contrib.auth import get_user_model

    from closeloop.practices.models import Organization
    from closeloop.practices.services import staff_create

    served = list(Practice.objects.order_by("pk")[:VA_PRACTICES])
    user = get_user_model().objects.filter(username=VA).first() or staff_create(
        organization=Organization.objects.get(slug="bench"),
        username=VA,
        password=PASSWORD,
        roles=["support"],
        languages=["en", "es"],
        practices=served,
    )
    token = ApiToken.issue(user=user, name="bench")[1]
    practices = [(p.slug, p.pk) for p in served]
    patients: dict[str, list[int]] = {}
    for slug, pk in practices:
        patients[slug] = list(
            Patient.objects.filter(practice_id=pk).values_list("pk", flat=True)[:50]
        )
    mine = list(
        SupportItem.objects.filter(practice__in=served, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )[:2000]
    )
    results["open_items"] = SupportItem.objects.filter(status__in=OPEN_STATUSES).count()

    api_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def intake(rng: random.Random) -> tuple[str, str, bytes, dict[str, str]]:
        slug = rng.choice(practices)[0]
        body = {
            "practice": slug,
            "channel": rng.choice(["phone", "portal", "voicemail"]),
            "summary": rng.choice(MESSAGES)[:300],
            "patient_id": rng.choice(patients[slug]),
        }
        return "POST", "/api/v1/items", json.dumps(body).encode(), api_headers

    server = start_server()
    try:
        page_headers = {"Cookie": session_cookie(ARGS.port, VA, PASSWORD)}
        owner_headers = {"Cookie": session_cookie(ARGS.port, OWNER, PASSWORD)}
        load(intake, 2, 5, 100)  # warm-up: connections, caches
        results["intake_2"] = load(intake, 2, ARGS.seconds, 4000)
        results["intake_8"] = load(intake, 8, ARGS.seconds, 8000)
        results["queue_page"] = load(
            lambda r: ("GET", "/?tab=team", None, page_headers), 1, ARGS.seconds, 300
        )
        results["queue_page_all_practices"] = load(
            lambda r: ("GET", "/", None, owner_headers), 1, ARGS.seconds, 300
        )
        results["api_list"] = load(
            lambda r: ("GET", "/api/v1/items?limit=50", None, api_headers), 1, ARGS.seconds, 300
        )
        results["item_page"] = load(
            lambda r: ("GET", f"/items/{r.choice(mine)}/", None, page_headers), 1, ARGS.seconds, 300
        )
        results["web_worker_peak_rss_mb"] = max(peak_rss_mb(p) for p in children(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    client = Client()
    user.refresh_from_db()  # logging in over HTTP re-hashed the password (session hash)
    client.force_login(user)
    results["queries"] = {
        "queue page": count_queries(client, "/?tab=team"),
        "item page": count_queries(client, f"/items/{mine[0]}/"),
        "item page (another)": count_queries(client, f"/items/{mine[1]}/"),
        "API list": count_queries(
            client, "/api/v1/items?limit=50", HTTP_AUTHORIZATION=f"Bearer {token}"
        ),
    }
    practice = Practice.objects.get(slug="p0")
    today = timezone.localdate()
    month = Scope.of([practice], today - timedelta(days=30), today - timedelta(days=1))
    results["dashboard_ms"] = timed(lambda: report(month))
    SupportItem.objects.filter(pk__in=mine[:100]).update(
        promised_update_at=timezone.now() - timedelta(minutes=1), promise_reminded_at=None
    )
    results["sweep_first_ms"] = timed(sweep)  # includes today's snapshots for every practice
    SupportItem.objects.filter(pk__in=mine[100:200]).update(
        promised_update_at=timezone.now() - timedelta(minutes=1), promise_reminded_at=None
    )
    results["sweep_ms"] = timed(sweep)  # 100 promises due: claims, timeline, alerts

    lines = "\n".join(json.dumps({"text": m}) for m in (MESSAGES * 12)[:5000]) + "\n"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", "classify"],
        input=lines.encode(),
        capture_output=True,
        check=True,
    )
    results["classify_per_s"] = round(5000 / (time.perf_counter() - started))

    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "closeloop", "worker", "--tick", "5"],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(25)  # runs the tasks the intake queued (routing emails, webhooks) and sweeps
    results["worker_peak_rss_mb"] = peak_rss_mb(worker.pid)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)

    show(results)
    if ARGS.json_out:
        ARGS.json_out.write_text(json.dumps(results, indent=2))


def show(r: dict[str, Any]) -> None:
    table = Table(
        title=f"Closeloop at {r['items']:,} items, {r['open_items']:,} open, on {r['database']} (built in {r['build_s']} s)"
    )
    for column in ("operation", "result", "target"):
        table.add_column(column)
    for key, label in (
        ("intake_2", "intake POST /api/v1/items, 2 clients"),
        ("intake_8", "intake, 8 clients"),
    ):
        x = r[key]
        table.add_row(
            label,
            f"{x['per_s']}/s, p50 {x['p50_ms']} ms, p95 {x['p95_ms']} ms, p99 {x['p99_ms']} ms, {x['errors']} errors",
            (">= 200/s" if r["database"] == "postgresql" else ">= 150/s") + ", p95 <= 25 ms",
        )
    for key, label in (
        ("queue_page", f"queue page (HTML), team tab, a VA serving {VA_PRACTICES} practices"),
        ("queue_page_all_practices", "queue page, someone serving all practices"),
        ("api_list", "GET /api/v1/items (the VA)"),
        ("item_page", "item page"),
    ):
        x = r[key]
        table.add_row(
            label,
            f"p50 {x['p50_ms']} ms, p95 {x['p95_ms']} ms ({x['requests']} requests)",
            "—" if key == "queue_page_all_practices" else "p95 <= 50 ms",
        )
    table.add_row(
        "SQL queries per page", ", ".join(f"{k} {v}" for k, v in r["queries"].items()), "constant"
    )
    table.add_row("metrics dashboard, one practice, one month", f"{r['dashboard_ms']} ms", "<= 1 s")
    table.add_row(
        "deadline sweep, 100 due",
        f"{r['sweep_ms']} ms (first of the day {r['sweep_first_ms']} ms)",
        "<= 1 s",
    )
    table.add_row("closeloop classify", f"{r['classify_per_s']} messages/s", "—")
    table.add_row(
        "peak RSS",
        f"web worker {r['web_worker_peak_rss_mb']} MB, closeloop worker {r['worker_peak_rss_mb']} MB",
        "web <= 150 MB",
    )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
