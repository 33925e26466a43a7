"""One follow-up sweep over a large queue: ``uv run python benchmarks/sweep_bench.py [N]``.

Builds a fresh database (SQLite in a temporary folder, or the one in ``DATABASE_URL``, whose
tables it empties first: point it at a scratch database) with N items (default 1,000,000), a
tenth of them open, promises spread over the coming month and 100 falling due now, then times
one sweep with work to do and one with nothing due, and prints the query plans of the deadline
scans. Target: one sweep <= 1 s with 100,000 open items. ``--reuse`` times the sweep again on
the data of a previous run (same N, same CLOSELOOP_DATA_DIR or DATABASE_URL).
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
os.environ.setdefault("CLOSELOOP_ENV", "development")
if "DATABASE_URL" not in os.environ and "CLOSELOOP_DATA_DIR" not in os.environ:
    os.environ["CLOSELOOP_DATA_DIR"] = tempfile.mkdtemp(prefix="closeloop-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rich.progress import Progress  # noqa: E402

from closeloop.metrics.models import DailySnapshot, WeeklyReview  # noqa: E402
from closeloop.periodic.sweep import due_items, sweep  # noqa: E402
from closeloop.practices.models import Organization  # noqa: E402
from closeloop.practices.services import practice_create, staff_create  # noqa: E402
from closeloop.support_queue.models import Status, SupportItem  # noqa: E402

BATCH = 5_000
DUE_NOW = 100


def build() -> None:
    call_command("flush", interactive=False, verbosity=0) if "DATABASE_URL" in os.environ else None
    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench")
    practices = [
        practice_create(
            organization=org, name=f"Practice {n}", slug=f"p{n}", timezone="America/Chicago"
        )
        for n in range(20)
    ]
    owner = staff_create(
        organization=org, username="owner", password=None, roles=["support"], practices=practices
    )
    categories = {p.pk: list(p.categories.all()) for p in practices}
    now = timezone.now()
    rng = random.Random(7)
    open_every = 10
    with Progress() as progress, connection.cursor():
        task = progress.add_task(f"inserting {N:,} items", total=N)
        for start in range(0, N, BATCH):
            rows = []
            for n in range(start, min(N, start + BATCH)):
                practice = practices[n % len(practices)]
                category = categories[practice.pk][n % 9]
                contact = now - timedelta(minutes=rng.randint(10, 525_600))
                is_open = n % open_every == 0
                promise = None
                if is_open:
                    due_now = n // open_every < DUE_NOW
                    promise = (
                        now - timedelta(minutes=1)
                        if due_now
                        else now + timedelta(minutes=rng.randint(60, 43_200))
                    )
                rows.append(
                    SupportItem(
                        practice=practice,
                        category=category,
                        channel="phone",
                        status=Status.IN_PROGRESS if is_open else Status.CLOSED,
                        owner=owner,
                        team=category.default_team,
                        summary="bench",
                        callback_number="+13125550100",
                        first_contact_at=contact,
                        first_response_due_at=contact + timedelta(hours=1),
                        first_response_at=contact + timedelta(minutes=5),
                        resolution_due_at=now + timedelta(days=30)
                        if is_open
                        else contact + timedelta(days=2),
                        promised_update_at=promise,
                        promise_escalate_at=promise + timedelta(days=3) if promise else None,
                        created_at=contact,
                        updated_at=contact,
                    )
                )
            with transaction.atomic():
                SupportItem.objects.bulk_create(rows)
            progress.advance(task, len(rows))
    connection.cursor().execute("ANALYZE")


def plans() -> list[str]:
    lines = []
    for kind in ("promise_due", "promise_escalation", "first_response", "resolution"):
        lines.append(f"{kind}: {due_items(kind, timezone.now()).explain()}")
    return lines


def main() -> None:
    started = time.perf_counter()
    if "--reuse" in sys.argv and SupportItem.objects.count() == N:
        # Same data as a previous run (CLOSELOOP_DATA_DIR or DATABASE_URL given): time the sweep only.
        DailySnapshot.objects.all().delete()
        WeeklyReview.objects.all().delete()
    else:
        build()
    built = time.perf_counter() - started
    open_items = SupportItem.objects.filter(status=Status.IN_PROGRESS).count()
    started = time.perf_counter()
    sweep()  # first pass: today's snapshots and this week's reviews for every practice
    first = time.perf_counter() - started
    SupportItem.objects.filter(
        pk__in=list(
            SupportItem.objects.filter(status=Status.IN_PROGRESS).values_list("pk", flat=True)[
                :DUE_NOW
            ]
        )
    ).update(promised_update_at=timezone.now() - timedelta(minutes=1), promise_reminded_at=None)
    started = time.perf_counter()
    report = sweep()
    busy = time.perf_counter() - started
    started = time.perf_counter()
    sweep()
    idle = time.perf_counter() - started
    print(f"\n{'database':<32}{connection.vendor}")
    print(f"{'items / open':<32}{N:,} / {open_items:,}")
    print(f"{'build (bulk insert)':<32}{built:,.1f} s")
    print(f"{'first sweep (snapshots, reviews)':<32}{first * 1000:,.0f} ms")
    print(f"{'sweep with ' + str(DUE_NOW) + ' promises due':<32}{busy * 1000:,.0f} ms   ({report})")
    print(f"{'sweep with nothing due':<32}{idle * 1000:,.0f} ms")
    print("\nquery plans (deadline scans):")
    for line in plans():
        print("  " + line.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
