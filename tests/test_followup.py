"""The follow-up engine, one sweep at a time with the clock frozen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from closeloop.core.claims import lease
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.periodic import reports
from closeloop.periodic.reports import email_snapshot, email_weekly_review
from closeloop.periodic.sweep import REAP_AFTER, handle_deadlines, sweep
from closeloop.practices.choices import Role, Team
from closeloop.practices.models import StaffProfile
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import send_alert_deliveries
from closeloop.support_queue.models import (
    AlertDelivery,
    AlertKind,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    StaffAlert,
    SupportItem,
    WaitingOn,
)
from tests.conftest import TUESDAY_10AM_CHICAGO, planned

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _emails(assistant, supervisor):
    for user in (assistant, supervisor):
        user.email = f"{user.username}@example.com"
        user.save()


def alerts(kind: str) -> list[str]:
    return sorted(StaffAlert.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_promise_reminder_then_supervisor_escalation(
    clock, make_item, assistant, supervisor
) -> None:
    item = planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR - timedelta(minutes=1))
    assert sweep().handled["promise_due"] == 0
    clock.shift(timedelta(minutes=2))
    assert sweep().handled["promise_due"] == 1
    assert alerts(AlertKind.PROMISE_DUE) == ["assistant"]
    assert item.events.filter(code=EventCode.PROMISE_BROKEN, actor=None).count() == 1
    assert sweep().handled["promise_due"] == 0  # once per promise
    item.refresh_from_db()
    assert item.promise_broken() and not item.escalated
    clock.shift(HOUR)  # the practice's grace period (60 business minutes) runs out
    assert sweep().handled["promise_escalation"] == 1
    assert alerts(AlertKind.PROMISE_ESCALATED) == ["assistant", "supervisor"]
    item.refresh_from_db()
    assert item.escalated and "without contact" in item.escalation_reason
    assert item.events.filter(code=EventCode.PROMISE_ESCALATED).count() == 1


def test_a_logged_contact_renews_the_broken_promise(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR + timedelta(minutes=1))
    sweep()
    renewed = timezone.now() + 4 * HOUR
    lifecycle.item_log_contact(
        item=item, actor=assistant, direction=Direction.OUTBOUND, channel=Channel.PHONE,
        outcome=ContactOutcome.VOICEMAIL_LEFT, next_update_at=renewed,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.promised_update_at == renewed and not item.promise_broken()
    clock.shift(3 * HOUR)
    assert sweep().handled["promise_escalation"] == 0
    assert alerts(AlertKind.PROMISE_ESCALATED) == []


def test_a_new_promise_starts_over(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR + timedelta(minutes=1))
    sweep()
    lifecycle.item_set_update_window(
        item=item,
        actor=assistant,
        checking="Slots",
        next_step="Book",
        update_at=timezone.now() + HOUR,
    )
    clock.shift(HOUR + timedelta(minutes=1))
    assert sweep().handled["promise_due"] == 1
    assert len(alerts(AlertKind.PROMISE_DUE)) == 2


def test_waiting_on_an_insurer_pauses_resolution_but_not_the_patient_update(
    clock, make_item, assistant
) -> None:
    # scheduling: resolution in 8 business hours
    item = planned(make_item(), assistant, acknowledge=True, after=2 * HOUR)
    item = lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.INSURER)
    due = item.resolution_due_at
    clock.shift(2 * HOUR + timedelta(minutes=1))
    assert sweep().handled["promise_due"] == 1  # the patient still gets an update on time
    clock.move_to(due + HOUR)
    assert sweep().handled["resolution"] == 0  # paused while the insurer has it
    item = lifecycle.item_set_update_window(
        item=item, actor=assistant, checking="x", next_step="y", update_at=timezone.now() + HOUR
    )
    item = lifecycle.item_start(item=item, actor=assistant)
    waited = item.practice.calendar().between(TUESDAY_10AM_CHICAGO, due + HOUR)
    assert item.resolution_due_at == due + waited
    assert item.events.filter(code=EventCode.STARTED).get().changes["resolution_due_at"]


def test_waiting_on_the_patient_does_not_pause_resolution(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, acknowledge=True, after=22 * HOUR)
    item = lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.PATIENT)
    clock.move_to(item.resolution_due_at + timedelta(minutes=1))
    assert sweep().handled["resolution"] == 1
    assert alerts(AlertKind.RESOLUTION_LATE) == ["assistant"]


def test_after_hours_voicemail_first_response_is_due_after_opening(
    clock, make_item, supervisor
) -> None:
    friday_7pm = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)  # Friday 19:00 Chicago
    clock.move_to(friday_7pm)
    make_item(channel=Channel.VOICEMAIL, contact_at=friday_7pm, actor=None)
    clock.move_to(datetime(2026, 11, 23, 14, 59, tzinfo=UTC))  # Monday 08:59, due 09:00
    assert sweep().handled["first_response"] == 0
    clock.move_to(datetime(2026, 11, 23, 15, 1, tzinfo=UTC))
    assert sweep().handled["first_response"] == 1
    assert alerts(AlertKind.FIRST_RESPONSE_LATE) == ["supervisor"]  # nobody owns it yet


def test_escalation_deadline_crosses_a_dst_weekend_in_business_time(
    clock, make_item, assistant, supervisor
) -> None:
    clock.move_to(datetime(2026, 10, 30, 21, 0, tzinfo=UTC))  # Friday 16:00 CDT
    item = planned(
        make_item(), assistant, acknowledge=True, after=timedelta(minutes=30)
    )  # 16:30 CDT
    # 60 business minutes of grace: 30 on Friday, 30 after Monday's 08:00 CST opening.
    assert item.promise_escalate_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    clock.move_to(datetime(2026, 11, 2, 14, 29, tzinfo=UTC))
    sweep()
    assert alerts(AlertKind.PROMISE_ESCALATED) == []
    clock.move_to(datetime(2026, 11, 2, 14, 31, tzinfo=UTC))
    assert sweep().handled["promise_escalation"] == 1


def test_a_lost_email_task_is_redriven_and_sends_once(clock, make_item, assistant) -> None:
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR + timedelta(minutes=1))
    sweep()  # queues the email task; pretend its worker was killed before running it
    assert mail.outbox == []
    clock.shift(timedelta(minutes=3))
    assert sweep().handled["alert_deliveries"] == 1
    # (the week's review, whose task was lost the same way, goes to the supervisors too)
    (message,) = [m for m in mail.outbox if "Weekly review" not in m.subject]
    assert message.to == ["assistant@example.com"]
    assert "Ana" not in message.subject + message.body  # no patient details
    delivery_ids = list(AlertDelivery.objects.values_list("pk", flat=True))
    assert send_alert_deliveries.call(delivery_ids) == 0  # the original task, run late: nothing
    assert len([m for m in mail.outbox if "Weekly review" not in m.subject]) == 1


def test_digest_users_get_one_email_at_closing(clock, make_item, assistant, supervisor) -> None:
    StaffProfile.objects.filter(user=assistant).update(email_digest=True)
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    planned(make_item(summary="second"), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR + timedelta(minutes=1))
    sweep()
    clock.shift(timedelta(minutes=5))
    assert sweep().handled["alert_emails"] == 0  # waits for the digest
    clock.move_to(datetime(2026, 11, 17, 23, 1, tzinfo=UTC))  # 17:01 Chicago, after closing
    sweep()
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert len(digests) == 1
    assert digests[0].body.count("Promised update time passed") == 2  # both items, one email
    assert not [m for m in mail.outbox if m.to == ["assistant@example.com"] and m not in digests]


def test_end_of_day_snapshot_once_and_emailed_to_supervisors(
    clock, make_item, assistant, supervisor
) -> None:
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    make_item(summary="unassigned")
    clock.move_to(datetime(2026, 11, 17, 22, 59, tzinfo=UTC))  # 16:59 Chicago
    sweep()
    assert not DailySnapshot.objects.exists()
    clock.move_to(datetime(2026, 11, 17, 23, 0, tzinfo=UTC))
    assert sweep().handled["snapshots"] == 1
    assert sweep().handled["snapshots"] == 0
    snapshot = DailySnapshot.objects.get()
    assert (snapshot.open_items, snapshot.broken_promises) == (2, 1)
    assert snapshot.by_owner == {"assistant": 1, "unassigned": 1}
    assert email_snapshot.call(snapshot.pk) == 1 and email_snapshot.call(snapshot.pk) == 0
    (message,) = mail.outbox
    assert message.to == ["supervisor@example.com"] and "Open items at closing: 2" in message.body


def test_weekly_review_on_monday_at_opening(clock, riverside, supervisor) -> None:
    clock.move_to(datetime(2026, 11, 23, 13, 59, tzinfo=UTC))  # Monday 07:59 Chicago
    sweep()
    assert not WeeklyReview.objects.exists()
    clock.move_to(datetime(2026, 11, 23, 14, 1, tzinfo=UTC))
    sweep()
    review = WeeklyReview.objects.get()
    assert str(review.week_start) == "2026-11-23"
    assert email_weekly_review.call(review.pk) == 1
    review.refresh_from_db()
    assert "open_now" in review.summary
    assert "Weekly review" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_one_reminder(riverside, patient, assistant) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's row-level concurrency")
    items = []
    for n in range(20):
        item = lifecycle.item_create(
            practice=riverside, category=riverside.categories.get(code="scheduling"),
            channel=Channel.PHONE, actor=assistant, summary=f"race {n}", patient=patient,
        )  # fmt: skip
        item = lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
        SupportItem.objects.filter(pk=item.pk).update(promised_update_at=timezone.now() - HOUR)
        items.append(item)
    barrier = threading.Barrier(4)

    def race() -> None:
        try:
            barrier.wait()
            handle_deadlines("promise_due", timezone.now())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert StaffAlert.objects.filter(kind=AlertKind.PROMISE_DUE).count() == 20
    for item in items:
        assert item.events.filter(code=EventCode.PROMISE_BROKEN).count() == 1


def test_worker_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
        },
        "CLOSELOOP_ENV": "development",
        "CLOSELOOP_DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "closeloop", "migrate", "-v0"], env=env, check=True, timeout=120
    )  # noqa: S603
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "closeloop", "worker", "--tick", "1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    # SIGTERM once the worker says it runs (its signal handlers are in place by then), not
    # after a fixed sleep: on a loaded machine start-up alone can take longer than any sleep.
    assert worker.stderr is not None
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = worker.stderr.readline()
        seen.append(line)
        if not line or "minute tick" in line:
            break
    assert any("minute tick" in line for line in seen), "".join(seen)
    worker.send_signal(signal.SIGTERM)
    _, rest = worker.communicate(timeout=60)
    stderr = "".join(seen) + rest
    assert worker.returncode == 0, stderr
    assert "shutting down gracefully" in stderr and "closeloop worker stopped" in stderr


def test_supervisor_role_is_required_for_escalation_recipients(
    clock, make_item, assistant, org, riverside
) -> None:
    staff_create(
        organization=org,
        username="lead",
        password=None,
        roles=[Role.SUPPORT],
        practices=[riverside],
    )
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.shift(3 * HOUR)
    sweep()
    assert "lead" not in alerts(AlertKind.PROMISE_ESCALATED)


def test_tasks_left_running_by_a_killed_worker_are_reaped(clock, make_item, assistant) -> None:
    task = DBTaskResult.objects.create(
        task_path="closeloop.support_queue.alerts.send_alert_deliveries",
        args_kwargs={"args": [[1]], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=["killed-worker"],
    )
    clock.shift(REAP_AFTER - timedelta(minutes=1))
    assert "tasks_reaped" not in sweep().handled  # it may still be running
    clock.shift(timedelta(minutes=2))
    assert sweep().handled["tasks_reaped"] == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and "WorkerLost" in task.exception_class_path


def test_a_report_email_whose_sender_died_is_sent_by_the_sweep(
    clock, make_item, assistant, supervisor
) -> None:
    make_item()
    clock.move_to(datetime(2026, 11, 17, 23, 0, tzinfo=UTC))  # 17:00 Chicago: closing
    assert sweep().handled["snapshots"] == 1
    snapshot = DailySnapshot.objects.get()
    # A worker took the lease and was killed before the mail server answered.
    assert reports._claim(DailySnapshot, snapshot.pk)

    def end_of_day_emails() -> int:
        return len([m for m in mail.outbox if "End of day" in m.subject])

    clock.shift(lease() - timedelta(seconds=30))
    sweep()
    assert end_of_day_emails() == 0  # the lease still stands
    clock.shift(lease())
    sweep()
    assert end_of_day_emails() == 1
    snapshot.refresh_from_db()
    assert snapshot.emailed_at is not None
    clock.shift(lease() * 2)
    sweep()
    assert end_of_day_emails() == 1  # and never twice
