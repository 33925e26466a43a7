"""The metrics at scale: ``uv run python benchmarks/metrics_bench.py [N] [--reuse]``.

Builds a fresh database (SQLite in a temporary folder, or the one in ``DATABASE_URL``, whose
tables it empties first: point it at a scratch database) with N items (default 1,000,000)
over the past year across 20 practices (so one practice has about 50,000 items a year, a
heavier load per practice than a 200-practice organization), with their timeline (creation,
resolution, some repeat contacts and broken promises), end-of-day snapshots for the last
month, appointments and review decisions. Then times, for one practice:

* the dashboard's queries for one month (all eleven metrics for the month and the previous
  month, and the five charts), and
* the weekly review (both weeks' metrics, open issues, friction points, suggestions),

and prints the query plans of the main range scans. Target: each <= 1 s. ``--reuse`` times
again on the data of a previous run (same N, same CLOSELOOP_DATA_DIR or DATABASE_URL).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(ARGS[0]) if ARGS else 1_000_000
PRACTICES = 20
os.environ.setdefault("CLOSELOOP_ENV", "development")
if "DATABASE_URL" not in os.environ and "CLOSELOOP_DATA_DIR" not in os.environ:
    os.environ["CLOSELOOP_DATA_DIR"] = tempfile.mkdtemp(prefix="closeloop-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from closeloop.messaging.models import ReviewRequest  # noqa: E402
from closeloop.metrics import charts  # noqa: E402
from closeloop.metrics.definitions import Scope, report  # noqa: E402
from closeloop.metrics.models import DailySnapshot  # noqa: E402
from closeloop.metrics.weekly import week_of, weekly_review  # noqa: E402
from closeloop.practices.models import Practice  # noqa: E402
from closeloop.support_queue.models import EventCode, Status, SupportItem, TimelineEvent  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import data  # noqa: E402


def build() -> None:
    made = data.build(N, practices=PRACTICES)
    today = timezone.localdate()
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            practice=p, date=today - timedelta(days=d), open_items=5000, broken_promises=0
        )
        for p in made["practices"]
        for d in range(1, 31)
    )
    sample = SupportItem.objects.filter(status=Status.CLOSED).values_list(
        "pk", "practice_id", "patient_id"
    )[:20_000]
    ReviewRequest.objects.bulk_create(
        ReviewRequest(item_id=pk, practice_id=practice_id, patient_id=patient_id, decision="sent")
        for pk, practice_id, patient_id in sample
    )
    connection.cursor().execute("ANALYZE")


def timed(label: str, work: object) -> tuple[str, float, int]:
    reset_queries()
    started = time.perf_counter()
    work()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    return label, elapsed, len(connection.queries)


def main() -> None:
    from django.conf import settings

    settings.DEBUG = True  # count queries
    started = time.perf_counter()
    if not ("--reuse" in sys.argv and SupportItem.objects.count() == N):
        build()
    built = time.perf_counter() - started
    practice = Practice.objects.get(slug="p0")
    today = timezone.localdate()
    month = Scope.of([practice], today - timedelta(days=30), today - timedelta(days=1))
    monday = week_of(today) - timedelta(days=7)

    def dashboard() -> None:
        data = report(month)
        charts.build(month, data["metrics"])

    rows = [
        timed("dashboard, one practice, one month (+ previous month, 5 charts)", dashboard),
        timed(
            "weekly review, one practice", lambda: weekly_review(practice, monday, timezone.now())
        ),
        timed("dashboard again (warm)", dashboard),
    ]
    table = Table(title=f"Metrics at {N:,} items on {connection.vendor} (built in {built:.0f} s)")
    table.add_column("operation")
    table.add_column("seconds", justify="right")
    table.add_column("queries", justify="right")
    table.add_column("target", justify="right")
    for label, seconds, queries in rows:
        table.add_row(label, f"{seconds:.3f}", str(queries), "<= 1 s")
    Console().print(table)
    contacted = SupportItem.objects.filter(
        practice=practice, first_contact_at__gte=month.start_at, first_contact_at__lt=month.end_at
    )
    print("plan, items first contacted in the month:\n ", contacted.explain())
    events = TimelineEvent.objects.filter(
        practice=practice,
        code=EventCode.REPEAT_CONTACT,
        at__gte=month.start_at,
        at__lt=month.end_at,
    )
    print("plan, repeat contacts in the month:\n ", events.explain())


if __name__ == "__main__":
    main()
