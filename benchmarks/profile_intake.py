"""Where intake and page time go, in process:
``uv run python benchmarks/profile_intake.py [N] [--time]``.

Builds a small world (SQLite in a temporary folder, or ``DATABASE_URL``), then runs N intakes
through the API with the Django test client (the whole stack but the network) under cProfile and
prints: CPU ms per intake, queries per intake, and the top functions by own time and by
cumulative time; then the same for the queue page and the item page. For docs/performance.md
and benchmarks/results/HISTORY.md: "where the time goes".
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time

os.environ.setdefault("CLOSELOOP_ENV", "development")
os.environ["DEBUG"] = "false"
if "DATABASE_URL" not in os.environ:
    os.environ["CLOSELOOP_DATA_DIR"] = tempfile.mkdtemp(prefix="closeloop-profile-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(ARGS[0]) if ARGS else 300
#: ``--time``: CPU per call without the profiler's overhead (the figure to compare).
TIME_ONLY = "--time" in sys.argv
settings.ALLOWED_HOSTS = ["*"]


def world() -> tuple[Client, str, Client, int]:
    from closeloop.api.models import ApiToken
    from closeloop.demo.seed import create_world
    from closeloop.practices.models import Organization

    call_command("migrate", interactive=False, verbosity=0)
    w = create_world()
    Organization.objects.update(require_mfa=False)
    token = ApiToken.issue(user=w.staff["maria"])[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    web = Client()
    web.force_login(w.staff["maria"])
    return api, token, web, w.staff["maria"].pk


def body(n: int) -> dict[str, str]:
    return {
        "practice": "riverside" if n % 2 else "lakeside",
        "category": "scheduling",
        "channel": "phone",
        "summary": f"Needs to move Thursday's visit {n}",
        "callback_number": f"312-555-01{n % 100:02d}",
    }


def report(title: str, profile: cProfile.Profile, count: int, cpu: float, queries: int) -> None:
    print(f"\n== {title}: {cpu / count * 1000:.2f} ms CPU each, {queries / count:.1f} queries each")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(18)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"-- by {key}")
        for line in lines[start : start + 19]:
            print("  " + line[:150])


def run(title: str, fn: object, count: int) -> None:
    for n in range(5):  # warm caches and imports
        fn(n)  # type: ignore[operator]
    if TIME_ONLY:
        started, wall = time.process_time(), time.perf_counter()
        for n in range(count):
            fn(n)  # type: ignore[operator]
        cpu, elapsed = time.process_time() - started, time.perf_counter() - wall
        # Noise-free companions of the CPU time (which varies with what else the host runs):
        # Python function calls and SQL queries per call, counted over a few more calls.
        profile, sample = cProfile.Profile(), 20
        with CaptureQueriesContext(connection) as queries:
            profile.enable()
            for n in range(sample):
                fn(count + n)  # type: ignore[operator]
            profile.disable()
        calls = pstats.Stats(profile).total_calls / sample  # type: ignore[attr-defined]
        print(
            f"{title:<28} {cpu / count * 1000:7.2f} ms CPU  {elapsed / count * 1000:7.2f} ms wall"
            f"  {calls:9,.0f} calls  {len(queries.captured_queries) / sample:5.1f} queries"
        )
        return
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        profile.enable()
        for n in range(count):
            fn(n)  # type: ignore[operator]
        profile.disable()
        cpu = time.process_time() - started
    report(title, profile, count, cpu, len(queries.captured_queries))


def main() -> None:
    api, _, web, _ = world()

    def intake(n: int) -> None:
        response = api.post("/api/v1/items", body(n), content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"intake failed: {response.status_code} {response.content[:200]!r}")

    run("intake POST /api/v1/items", intake, N)
    from closeloop.support_queue.models import SupportItem

    item_id = SupportItem.objects.filter(practice__slug="riverside").order_by("-pk").first().pk
    run("queue page (open tab)", lambda n: web.get("/?tab=open"), 60)
    run("item page", lambda n: web.get(f"/items/{item_id}/"), 60)


if __name__ == "__main__":
    main()
