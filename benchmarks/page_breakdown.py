"""Where a page's time goes on a ``run.py`` build, in process:
``uv run python benchmarks/page_breakdown.py [PATH] [--requests N]``.

Point it at the build the way ``run.py --reuse`` is (``CLOSELOOP_DATA_DIR`` or
``DATABASE_URL``); it signs in as run.py's virtual assistant (``va``, created by a run.py run)
and requests ``PATH`` (default the queue's team tab) N times with Django's test client — the
whole stack but the network and gunicorn. It prints the wall time per request split into time
inside the database driver's ``execute`` (per statement, slowest first) and everything else
(Python: middleware, ORM, templates), then the top functions of a cProfile run by cumulative
time. For benchmarks/results/HISTORY.md, "where the time goes"; the figures vary with the machine, compare only
runs made in the same session.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from collections import defaultdict
from typing import Any

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("path", nargs="?", default="/?tab=team")
PARSER.add_argument("--requests", type=int, default=40)
ARGS = PARSER.parse_args()

os.environ.setdefault("CLOSELOOP_ENV", "development")
os.environ["DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def check(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{ARGS.path} answered {response.status_code}")


def main() -> None:
    user = get_user_model().objects.filter(username="va").first()
    if user is None:
        raise SystemExit("no user 'va': run benchmarks/run.py on this build first")
    client = Client()
    client.force_login(user)
    for _ in range(5):  # warm imports, templates and per-process caches
        check(client.get(ARGS.path))
    walls: list[float] = []
    sql: list[float] = []
    per_statement: dict[str, list[float]] = defaultdict(list)

    def timer(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            spent = (time.perf_counter() - started) * 1000
            sql[-1] += spent
            per_statement[" ".join(statement.split())[:90]].append(spent)

    with connection.execute_wrapper(timer):
        for _ in range(ARGS.requests):
            sql.append(0.0)
            started = time.perf_counter()
            response = client.get(ARGS.path)
            walls.append((time.perf_counter() - started) * 1000)
            check(response)
    wall, in_sql = statistics.median(walls), statistics.median(sql)
    print(f"{ARGS.path} on {connection.vendor}, {ARGS.requests} requests (medians)")
    print(f"  wall {wall:6.1f} ms = SQL {in_sql:5.1f} ms + other {wall - in_sql:5.1f} ms")
    print(f"  statements per request: {sum(map(len, per_statement.values())) / ARGS.requests:.1f}")
    slowest = sorted(per_statement.items(), key=lambda kv: -sum(kv[1]))
    for statement, times in slowest[:12]:
        each = sum(times) / ARGS.requests
        print(f"  {each:6.2f} ms  {statement}")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(ARGS.requests):
        client.get(ARGS.path)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(r"closeloop/(?!core/middleware)|template/(loader|base)\.py:\d+\(render\)", 30)
    print("\n".join(line[:160] for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
