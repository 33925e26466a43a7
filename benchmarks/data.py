"""Bulk synthetic data for the benchmarks: practices, staff, patients, a year of items with
their timeline. Bulk inserts, not the services (a million items in minutes); the rows look like
what the services write (business minutes, promises on open items, creation and resolution
events). Imported after ``django.setup()``."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rich.progress import Progress

from closeloop.patients.models import Patient
from closeloop.practices.models import Organization
from closeloop.practices.services import practice_create, staff_create
from closeloop.support_queue.models import EventCode, Status, SupportItem, TimelineEvent

BATCH = 5_000
YEAR_MINUTES = 525_600
OPEN_SHARE = 0.1
#: Open items spread over the statuses staff see on the queue.
OPEN_STATUSES = [Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING]


def fresh_database() -> None:
    """Empty the database (PostgreSQL scratch database) or create it (SQLite), migrated."""
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def build(
    n: int,
    *,
    practices: int,
    patients_per_practice: int = 200,
    seed: int = 11,
) -> dict[str, Any]:
    fresh_database()
    org = Organization.objects.create(name="Bench", slug="bench", require_mfa=False)
    places = [
        practice_create(
            organization=org, name=f"Practice {k}", slug=f"p{k}", timezone="America/Chicago"
        )
        for k in range(practices)
    ]
    # Two support staff per practice own its items (as assignment would); owner0 supervises
    # and owner1 serves every practice without owning items (the widest tenant filter).
    overseers = [
        staff_create(
            organization=org,
            username=f"owner{k}",
            password="bench password 1",
            roles=["support", "supervisor"] if k == 0 else ["support"],
            practices=places,
        )
        for k in range(2)
    ]
    owners: dict[int, list[Any]] = {
        p.pk: [
            staff_create(
                organization=org,
                username=f"{p.slug}-{letter}",
                password=None,
                roles=["support"],
                languages=["en", "es"],
                practices=[p],
            )
            for letter in "ab"
        ]
        for p in places
    }
    rng = random.Random(seed)
    patients: dict[int, list[Patient]] = {}
    for practice in places:
        patients[practice.pk] = Patient.objects.bulk_create(
            Patient(
                practice=practice,
                first_name="Pat",
                last_name=f"Bench{k}",
                phone=f"+1312{rng.randint(2000000, 9999999)}",
            )
            for k in range(patients_per_practice)
        )
    categories = {p.pk: list(p.categories.all()) for p in places}
    now = timezone.now()
    item_id = 0
    with Progress() as progress:
        task = progress.add_task(f"inserting {n:,} items and their timeline", total=n)
        for start in range(0, n, BATCH):
            items, events = [], []
            for k in range(start, min(n, start + BATCH)):
                practice = places[k % practices]
                category = categories[practice.pk][k % 10]
                contact = now - timedelta(minutes=rng.randint(10, YEAR_MINUTES))
                is_open = rng.random() < OPEN_SHARE
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
                        status=rng.choice(OPEN_STATUSES) if is_open else Status.CLOSED,
                        owner=None
                        if is_open and rng.random() < 0.3
                        else rng.choice(owners[practice.pk]),
                        team=category.default_team,
                        summary="Needs a callback about the bill",
                        first_contact_at=contact,
                        first_response_due_at=contact + timedelta(hours=1),
                        first_response_at=contact + timedelta(minutes=5) if responded else None,
                        first_response_minutes=rng.randint(1, 480) if responded else None,
                        resolution_due_at=now + timedelta(days=30)
                        if is_open
                        else contact + timedelta(days=2),
                        resolved_at=resolved,
                        closed_at=resolved,
                        resolution_minutes=rng.randint(30, 3000) if resolved else None,
                        escalated=rng.random() < 0.03,
                        promised_update_at=now + timedelta(minutes=rng.randint(60, 43_200))
                        if is_open
                        else None,
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Bulk-loaded ids: the sequences move past them for the rows the services add.
            for table in ("support_queue_supportitem", "support_queue_timelineevent"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
    connection.cursor().execute("ANALYZE")
    return {"organization": org, "practices": places, "owners": owners, "overseers": overseers}
