"""Several worker processes against one PostgreSQL: every deadline handled exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from closeloop.support_queue.models import (
    AlertKind,
    EventCode,
    StaffAlert,
    Status,
    SupportItem,
    TimelineEvent,
)
from tests.conftest import category

DUE = 1000


@pytest.mark.django_db(transaction=True)
def test_three_workers_handle_a_thousand_due_deadlines_exactly_once(
    riverside, patient, assistant, supervisor
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "several worker processes share one database on PostgreSQL (SQLite: one machine)"
        )
    now = timezone.now()
    scheduling = category(riverside, "scheduling")
    SupportItem.objects.bulk_create(
        SupportItem(
            practice=riverside,
            patient=patient,
            category=scheduling,
            channel="phone",
            status=Status.IN_PROGRESS,
            owner=assistant,
            team=scheduling.default_team,
            summary="Waiting for a slot",
            first_contact_at=now - timedelta(days=1),
            first_response_due_at=now - timedelta(hours=20),
            first_response_at=now - timedelta(hours=23),
            resolution_due_at=now + timedelta(days=5),
            promised_update_at=now - timedelta(minutes=90),
            promise_escalate_at=now - timedelta(minutes=30),
        )
        for _ in range(DUE)
    )
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CLOSELOOP_ENV": "development"}
    workers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "closeloop", "sweep"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], outputs
    # Each of the three did part of the work (a real race), and together all of it, once.
    handled = [out.decode() for out, _ in outputs]
    assert sum("promise_due" in text for text in handled) >= 2, handled
    for code in (EventCode.PROMISE_BROKEN, EventCode.PROMISE_ESCALATED):
        per_item = TimelineEvent.objects.filter(code=code).values("item").annotate(n=Count("id"))
        assert per_item.count() == DUE and {row["n"] for row in per_item} == {1}
    owner_alerts = StaffAlert.objects.filter(kind=AlertKind.PROMISE_DUE, user=assistant)
    assert owner_alerts.count() == DUE
    escalations = StaffAlert.objects.filter(kind=AlertKind.PROMISE_ESCALATED)
    assert escalations.filter(user=supervisor).count() == DUE
    assert escalations.filter(user=assistant).count() == DUE
