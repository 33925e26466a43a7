"""The follow-up sweep: every deadline that came due, handled exactly once.

Run every minute by each worker (``closeloop worker``) and on demand (``closeloop sweep``).
Safe to run anywhere, any number of times at once: candidates come from range scans on the
partial indexes over open items, and each one is claimed with a conditional update before
anything is written or sent. Tasks only trigger work; this sweep re-drives whatever a killed
worker left behind (webhook deliveries, alert emails).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from closeloop.appointments.sync import fhir_syncs_due
from closeloop.core.types import Actor, User
from closeloop.intake.attachments import fetches_due
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.messaging.services import MessageRefused, message_send, release_due
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.outreach.sends import outreach_due
from closeloop.outreach.writeback import write_backs_due
from closeloop.periodic.reports import email_snapshot, email_weekly_review, redrive_reports
from closeloop.periodic.retention import purge_expired
from closeloop.periodic.visit_checks import visit_checks_due
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.security import chain
from closeloop.support_queue import colleague_requests, presence
from closeloop.support_queue.alerts import (
    deliver,
    lost_deliveries,
    notify,
    notify_each,
    send_digest,
    send_digests,
    stale_digests,
    supervisors_of,
)
from closeloop.support_queue.deadlines import (
    DEADLINES,
    attempt_stage,
    claim_deadlines,
    deadline_conditions,
    escalation_reason,
    item_attempts_next,
    item_repair_loop,
)
from closeloop.support_queue.loop_invariant import NO_DEADLINE
from closeloop.support_queue.models import OPEN_STATUSES, AlertKind, SupportItem
from closeloop.team import absence
from closeloop.webhooks.delivery import redrive_deliveries

logger = logging.getLogger(__name__)
BATCH = 1000

ALERT_FOR = {
    "promise_due": AlertKind.PROMISE_DUE,
    "promise_escalation": AlertKind.PROMISE_ESCALATED,
    "first_response": AlertKind.FIRST_RESPONSE_LATE,
    "resolution": AlertKind.RESOLUTION_LATE,
    "before_appointment": AlertKind.BEFORE_APPOINTMENT,
    "handoff": AlertKind.HANDOFF_LATE,
    "callback_attempt": AlertKind.ATTEMPT_DUE,
}


@dataclass
class SweepReport:
    handled: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.handled.items())) or "nothing due"


def _recipients(
    item: SupportItem, kind: str, supervisors: dict[int, list[User]]
) -> Sequence[Actor]:
    """Who hears that the deadline passed (``supervisors``: each practice's, read once)."""
    if item.practice_id not in supervisors:
        supervisors[item.practice_id] = supervisors_of(item.practice)
    owner = item.owner if item.owner_id else None
    if escalation_reason(kind, item):
        return [*supervisors[item.practice_id], owner]
    if owner is not None:
        return [owner]
    # Nobody owns it: the team's supervisors hear about it.
    return supervisors[item.practice_id]


def due_items(kind: str, now: datetime) -> QuerySet[SupportItem, int]:
    """Ids of items whose ``kind`` deadline passed and is not handled yet.

    No LIMIT on purpose: with one, PostgreSQL's planner bets on finding rows early in a
    sequential scan (closed items match every column but status) and loses badly; without it
    the composite deadline index answers in well under a millisecond.
    """
    return (
        SupportItem.objects.filter(**deadline_conditions(kind, now))
        .order_by()
        .values_list("pk", flat=True)
    )


#: Deadlines handled per transaction: one commit (one WAL flush on PostgreSQL) per batch
#: instead of per item. A crash rolls back the batch and the next sweep claims it again.
CLAIM_BATCH = 50


def handle_deadlines(kind: str, now: datetime) -> int:
    due_ids = list(due_items(kind, now))
    # Each worker walks the due items in its own order, so several workers spread over them.
    random.shuffle(due_ids)
    handled = 0
    for start in range(0, len(due_ids), CLAIM_BATCH):
        with transaction.atomic():
            # Those another worker got first, or a contact cleared, are not among the won.
            won = claim_deadlines(item_ids=due_ids[start : start + CLAIM_BATCH], kind=kind, now=now)
            if kind == "callback_attempt":
                for item in won:
                    _callback_policy(item, now)
            else:
                supervisors: dict[int, list[User]] = {}
                notify_each(
                    ((_recipients(item, kind, supervisors), item) for item in won), ALERT_FOR[kind]
                )
            handled += len(won)
    return handled


def _callback_policy(item: SupportItem, now: datetime) -> None:
    """A patient we could not reach: remind the owner of the next attempt; after the last one
    text them "we tried to reach you" (or ask the owner for a letter when no text may go);
    when that too goes unanswered, the supervisors take it."""
    stage = attempt_stage(item)
    owner = [item.owner] if item.owner_id else supervisors_of(item.practice)
    if stage == "attempt":
        notify(owner, item, AlertKind.ATTEMPT_DUE)
        return
    if stage == "supervisor":
        item = item_attempts_next(item_id=item.pk, now=now, texted=False, escalate=True)
        notify([*supervisors_of(item.practice), *owner], item, AlertKind.ATTEMPTS_EXHAUSTED)
        return
    try:
        with transaction.atomic():
            message_send(
                item=item,
                actor=None,
                channel=ConsentChannel.SMS,
                purpose=MessagePurpose.CALLBACK_MISSED,
            )
        texted = True
    except MessageRefused:
        texted = False  # no mobile number, or opted out: the owner sends a letter
    item = item_attempts_next(item_id=item.pk, now=now, texted=texted)
    notify(owner, item, AlertKind.ATTEMPTS_EXHAUSTED)


def repair_loops(now: datetime) -> int:
    """The promise invariant's safety net (see ``closeloop.support_queue.loop_invariant``)."""
    repaired = 0
    for item_id in list(SupportItem.objects.filter(NO_DEADLINE).values_list("pk", flat=True)):
        with transaction.atomic():
            item = item_repair_loop(item_id=item_id, now=now)
            if item is not None:
                notify(supervisors_of(item.practice), item, AlertKind.LOOP_OPEN)
                repaired += 1
    if repaired:
        logger.warning("sweep: %s open item(s) had no next deadline; now due", repaired)
    return repaired


#: A task still RUNNING this long after it started lost its worker (kill -9, a crash, a
#: reboot): django-tasks never retries it, so the sweep marks it failed. Nothing is lost — the
#: work it stood for is re-driven from Closeloop's own rows (deliveries, deadlines, claims).
REAP_AFTER = timedelta(minutes=30)


class WorkerLost(RuntimeError):
    """The worker running a task stopped before finishing it."""


def reap_lost_tasks(now: datetime) -> int:
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - REAP_AFTER
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker running this task stopped before it finished (killed or "
        "crashed). Its work is re-driven from Closeloop's own rows by the sweep.",
    )


def redrive_alerts(now: datetime) -> int:
    """Alert emails and texts whose task was lost or whose sender died mid-send."""
    lost = list(lost_deliveries(now).values_list("pk", flat=True)[:BATCH])
    sent = deliver(lost) if lost else 0
    users = {d.alert.user for d in stale_digests(now).select_related("alert__user")[:BATCH]}
    return sent + sum(send_digest(user) for user in users)


def _closing_today(practice: Practice, now: datetime) -> tuple[date, datetime] | None:
    calendar = practice.calendar()
    today = now.astimezone(calendar.tz).date()
    intervals = calendar.day_intervals(today)
    return (today, intervals[-1][1]) if intervals else None


def _opening_this_week(practice: Practice, now: datetime) -> tuple[date, datetime] | None:
    calendar = practice.calendar()
    local = now.astimezone(calendar.tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.tz)
    opening = calendar.next_opening(start)
    return (monday, opening) if opening.date() - monday < timedelta(days=7) else None


def take_snapshot(practice: Practice, day: date, now: datetime) -> DailySnapshot | None:
    items = SupportItem.objects.for_practice(practice).filter(status__in=OPEN_STATUSES)
    # Grouped by the category id (the practice's few categories are named afterwards): a join
    # to the category table made SQLite walk every category's items across all practices.
    codes = dict(Category.objects.filter(practice=practice).values_list("pk", "code"))
    by_category = {
        codes[category_id]: n
        for category_id, n in items.values_list("category_id").annotate(n=Count("id")).order_by()
    }
    by_owner = {
        (username or "unassigned"): n
        for username, n in items.values_list("owner__username").annotate(n=Count("id")).order_by()
    }
    two_days, week = now - timedelta(days=2), now - timedelta(days=7)
    counts = items.aggregate(
        total=Count("id"),
        broken=Count("id", filter=Q(promised_update_at__lte=now)),
        recent=Count("id", filter=Q(first_contact_at__gt=two_days)),
        this_week=Count("id", filter=Q(first_contact_at__lte=two_days, first_contact_at__gt=week)),
        older=Count("id", filter=Q(first_contact_at__lte=week)),
    )
    try:
        with transaction.atomic():
            return DailySnapshot.objects.create(
                practice=practice,
                date=day,
                taken_at=now,
                open_items=counts["total"],
                broken_promises=counts["broken"],
                by_category=by_category,
                by_owner=by_owner,
                by_age={
                    "0-1 days": counts["recent"],
                    "2-6 days": counts["this_week"],
                    "7+ days": counts["older"],
                },
            )
    except IntegrityError:
        return None  # another worker took today's snapshot


def _practices() -> list[Practice]:
    """Every practice with its holidays, in two queries (the calendars need them)."""
    return list(Practice.objects.prefetch_related("holidays"))


def end_of_day(now: datetime, practices: list[Practice] | None = None) -> int:
    taken = 0
    practices = _practices() if practices is None else practices
    recent = now.date() - timedelta(days=2)
    done = set(DailySnapshot.objects.filter(date__gte=recent).values_list("practice_id", "date"))
    for practice in practices:
        closing = _closing_today(practice, now)
        if closing is None or now < closing[1]:
            continue
        if (practice.pk, closing[0]) in done:
            continue
        snapshot = take_snapshot(practice, closing[0], now)
        if snapshot is not None:
            taken += 1
            email_snapshot.enqueue(snapshot.pk)
            send_digests(u for u in staff_for_practice(practice) if u.staff.email_digest)
    return taken


def weekly(now: datetime, practices: list[Practice] | None = None) -> int:
    created = 0
    practices = _practices() if practices is None else practices
    recent = now.date() - timedelta(days=8)
    done = set(
        WeeklyReview.objects.filter(week_start__gte=recent).values_list("practice_id", "week_start")
    )
    for practice in practices:
        opening = _opening_this_week(practice, now)
        if opening is None or now < opening[1]:
            continue
        if (practice.pk, opening[0]) in done:
            continue
        try:
            with transaction.atomic():
                # The figures are computed by the email task, off the minute tick.
                review = WeeklyReview.objects.create(practice=practice, week_start=opening[0])
                email_weekly_review.enqueue(review.pk)
                created += 1
        except IntegrityError:
            continue
    return created


def sweep(now: datetime | None = None) -> SweepReport:
    """One pass of all deadline and periodic work."""
    now = now or timezone.now()
    report = SweepReport()
    report.handled["loops_repaired"] += repair_loops(now)
    for kind in DEADLINES:
        report.handled[kind] += handle_deadlines(kind, now)
    report.handled["visit_checks"] += visit_checks_due(now)
    report.handled["fhir_syncs"] += fhir_syncs_due(now)
    report.handled["outreach"] += outreach_due(now)
    report.handled["fhir_write_backs"] += write_backs_due(now)
    practices = _practices()
    report.handled["snapshots"] += end_of_day(now, practices)
    report.handled["weekly_reviews"] += weekly(now, practices)
    report.handled["webhooks"] += redrive_deliveries(now)
    report.handled["messages"] += release_due(now)
    report.handled["patient_files"] += fetches_due(now)
    report.handled["purged"] += purge_expired(now)
    report.handled["presence_forgotten"] += presence.forget_stale(now)
    report.handled["absences"] += absence.start_and_end_due(now)
    report.handled["requests"] += colleague_requests.requests_due(now)
    report.handled["audit_sealed"] += chain.seal()
    report.handled["audit_checked"] += chain.daily_check(now) is not None
    report.handled["alert_deliveries"] += redrive_alerts(now)
    report.handled["tasks_reaped"] += reap_lost_tasks(now)
    report.handled["report_emails"] += redrive_reports(now)
    report.handled = Counter({k: v for k, v in report.handled.items() if v})
    if report.handled:
        logger.info("sweep: %s", report)
    return report
