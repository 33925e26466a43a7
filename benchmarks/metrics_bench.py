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
import random
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402
from rich.table import Table  # noqa: E402

from closeloop.followup.models import DailySnapshot  # noqa: E402
from closeloop.messaging.models import ReviewRequest  # noqa: E402
from closeloop.metrics import charts  # noqa: E402
from closeloop.metrics.definitions import Scope, report  # noqa: E402
from closeloop.metrics.weekly import week_of, weekly_review  # noqa: E402
from closeloop.patients.models import Patient  # noqa: E402
from closeloop.practices.models import Organization, Practice  # noqa: E402
from closeloop.practices.services import practice_create, staff_create  # noqa: E402
from closeloop.queue.models import EventCode, Status, SupportItem, TimelineEvent  # noqa: E402

BATCH = 5_000
YEAR_MINUTES = 525_600


def build() -> None:
    if "DATABASE_URL" in os.environ:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench")
    practices = [
        practice_create(
            organization=org, name=f"Practice {n}", slug=f"p{n}", timezone="America/Chicago"
        )
        for n in range(PRACTICES)
    ]
    owners = [
        staff_create(
            organization=org,
            username=f"owner{n}",
            password=None,
            roles=["support", "supervisor"] if n == 0 else ["support"],
            practices=practices,
        )
        for n in range(8)
    ]
    patients = {
        p.pk: Patient.objects.bulk_create(
            Patient(practice=p, first_name="Pat", last_name=f"Bench{k}", phone="")
            for k in range(200)
        )
        for p in practices
    }
    categories = {p.pk: list(p.categories.all()) for p in practices}
    now = timezone.now()
    rng = random.Random(11)
    item_id = 0
    with Progress() as progress:
        task = progress.add_task(f"inserting {N:,} items and their timeline", total=N)
        for start in range(0, N, BATCH):
            items, events = [], []
            for n in range(start, min(N, start + BATCH)):
                practice = practices[n % PRACTICES]
                category = categories[practice.pk][n % 10]
                contact = now - timedelta(minutes=rng.randint(10, YEAR_MINUTES))
                is_open = rng.random() < 0.1
                responded = rng.random() < 0.97
                resolved = None if is_open else contact + timedelta(minutes=rng.randint(30, 7200))
                item_id += 1
                items.append(
                    SupportItem(
                        id=item_id,
                        practice=practice,
                        patient=rng.choice(patients[practice.pk]),
                        category=category,
                        channel=rng.choice(["phone", "voicemail", "sms", "portal"]),
                        language="es" if rng.random() < 0.25 else "en",
                        status=Status.IN_PROGRESS if is_open else Status.CLOSED,
                        owner=rng.choice(owners),
                        team=category.default_team,
                        summary="bench",
                        first_contact_at=contact,
                        first_response_due_at=contact + timedelta(hours=1),
                        first_response_at=contact + timedelta(minutes=5) if responded else None,
                        first_response_minutes=rng.randint(1, 480) if responded else None,
                        resolution_due_at=contact + timedelta(days=2),
                        resolved_at=resolved,
                        resolution_minutes=rng.randint(30, 3000) if resolved else None,
                        escalated=rng.random() < 0.03,
                        promised_update_at=now + timedelta(days=3) if is_open else None,
                        created_at=contact,
                        updated_at=contact,
                    )
                )
                codes = [(EventCode.CREATED, contact)]
                if resolved:
                    codes.append((EventCode.RESOLVED, resolved))
                if rng.random() < 0.06:
                    codes.append((EventCode.REPEAT_CONTACT, contact + timedelta(hours=5)))
                if rng.random() < 0.05:
                    codes.append((EventCode.PROMISE_BROKEN, contact + timedelta(hours=8)))
                events += [
                    TimelineEvent(item_id=item_id, practice=practice, code=code, at=at)
                    for code, at in codes
                ]
            with transaction.atomic():
                SupportItem.objects.bulk_create(items)
                TimelineEvent.objects.bulk_create(events)
            progress.advance(task, len(items))
    today = timezone.localdate()
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            practice=p, date=today - timedelta(days=d), open_items=5000, broken_promises=0
        )
        for p in practices
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
