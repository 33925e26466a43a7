"""Deadline work the sweep claims: each passed deadline handled exactly once, however many
workers race for it (``item_claim_deadline``), and the safety net for the promise invariant
(``item_repair_loop``). Built on the same ``item_writes`` as the lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from closeloop.support_queue.item_writes import (
    Change,
    NewEvent,
    jsonable,
    locked,
    record_events,
    set_promise,
)
from closeloop.support_queue.loop_invariant import NO_DEADLINE
from closeloop.support_queue.models import OPEN_STATUSES, EventCode, SupportItem

#: What each deadline claims, where its due time lives, and what the timeline says.
DEADLINES: dict[str, tuple[str, str, str]] = {
    "promise_due": ("promise_reminded_at", "promised_update_at", EventCode.PROMISE_BROKEN),
    "promise_escalation": (
        "promise_escalated_at",
        "promise_escalate_at",
        EventCode.PROMISE_ESCALATED,
    ),
    "first_response": (
        "first_response_alerted_at",
        "first_response_due_at",
        EventCode.FIRST_RESPONSE_LATE,
    ),
    "resolution": ("resolution_alerted_at", "resolution_due_at", EventCode.RESOLUTION_LATE),
    "before_appointment": (
        "appointment_alerted_at",
        "appointment_due_at",
        EventCode.BEFORE_APPOINTMENT,
    ),
    "handoff": ("handoff_escalated_at", "handoff_due_at", EventCode.HANDOFF_LATE),
    "callback_attempt": ("attempt_handled_at", "next_attempt_due_at", EventCode.ATTEMPT_DUE),
}

#: Deadlines that escalate the item to supervisors when they pass.
ESCALATING_DEADLINES: dict[str, str] = {
    "promise_escalation": "The promised update time passed without contact.",
    "before_appointment": "Still open shortly before the patient's appointment.",
    "handoff": "Handed off, and not accepted in time.",
}


#: Why a red flag's first response passing escalates it (it runs on the clock, in minutes).
RED_FLAG_LATE = "Urgent symptoms were not answered in time."


def escalation_reason(kind: str, item: SupportItem) -> str:
    """Why the ``kind`` deadline passing escalates ``item`` to supervisors, or "" if it
    does not."""
    if kind == "first_response" and item.red_flag:
        return RED_FLAG_LATE
    return ESCALATING_DEADLINES.get(kind, "")


def deadline_conditions(kind: str, now: datetime) -> dict[str, Any]:
    """The filter for items whose ``kind`` deadline passed and was not yet handled."""
    claimed, due, _ = DEADLINES[kind]
    conditions: dict[str, Any] = {
        "status__in": OPEN_STATUSES,
        f"{claimed}__isnull": True,
        f"{due}__lte": now,
    }
    if kind == "first_response":
        conditions["first_response_at__isnull"] = True
    if kind == "resolution":
        conditions["resolution_paused_at__isnull"] = True
    return conditions


def attempt_stage(item: SupportItem) -> str:
    """Where a patient we cannot reach stands in the practice's callback policy: another
    attempt is due ("attempt"); the attempts are used up, so a "we tried to reach you" text or
    a letter ("text"); or that too went unanswered ("supervisor")."""
    if item.callback_attempts < item.practice.callback_attempts:
        return "attempt"
    return "text" if item.attempt_text_sent_at is None else "supervisor"


@transaction.atomic
def item_claim_deadline(*, item_id: int, kind: str, now: datetime) -> SupportItem | None:
    """``claim_deadlines`` for one item: the item if this caller won it, else None."""
    won = claim_deadlines(item_ids=[item_id], kind=kind, now=now)
    return won[0] if won else None


@transaction.atomic
def claim_deadlines(*, item_ids: Sequence[int], kind: str, now: datetime) -> list[SupportItem]:
    """Record that a deadline passed, exactly once however many workers race for it: the
    items among ``item_ids`` this caller won, each with its timeline event written.

    The claim is one conditional update over the batch, made while this transaction holds the
    rows: on PostgreSQL the rows are locked first, skipping those another worker's batch holds
    (if their batch rolls back, the next sweep finds them due again), so exactly the locked
    rows still due are updated and won; SQLite serialises writers (``BEGIN IMMEDIATE``), so the
    rows read as due are the rows updated. One update, one read and one insert of the events
    per batch, not per item.
    """
    claimed_field, due_field, code = DEADLINES[kind]
    due = SupportItem.objects.filter(pk__in=list(item_ids), **deadline_conditions(kind, now))
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    won_ids = list(due.order_by("pk").values_list("pk", flat=True))
    if not won_ids:
        return []
    SupportItem.objects.filter(pk__in=won_ids).update(
        **{claimed_field: now, "version": F("version") + 1}
    )
    # The owner and their profile come along: the sweep alerts them next.
    items = list(
        SupportItem.objects.filter(pk__in=won_ids)
        .select_related("practice", "category", "owner", "owner__staff")
        .order_by("pk")
    )
    events = []
    for item in items:
        item_code = code
        changes: dict[str, Any] = {"due": {"old": None, "new": jsonable(getattr(item, due_field))}}
        if kind == "callback_attempt":
            stage = attempt_stage(item)
            changes["stage"] = {"old": None, "new": stage}
            if stage != "attempt":
                item_code = EventCode.ATTEMPTS_EXHAUSTED
        reason = escalation_reason(kind, item)
        if reason and not item.escalated:
            changes["escalated"] = {"old": False, "new": True}
            item.escalated = True
            item.escalated_at = now
            item.escalation_reason = reason
            item.save(update_fields=["escalated", "escalated_at", "escalation_reason"])
        events.append(NewEvent(item, item_code, changes))
    record_events(events, actor=None, now=now)
    return items


@transaction.atomic
def item_attempts_next(
    *, item_id: int, now: datetime, texted: bool, escalate: bool = False
) -> SupportItem:
    """After the callback attempts: the "we tried to reach you" text went out (``texted``) or
    a letter is owed, and the next deadline is set; or (``escalate``) that went unanswered too
    and the supervisors have it — no further attempt deadline."""
    item = locked(item_id, None)
    change = Change(item)
    if escalate:
        change.set("next_attempt_due_at", None)
        if not item.escalated:
            change.set("escalated", True)
            change.set("escalated_at", now)
            change.set("escalation_reason", "The patient could not be reached after every attempt.")
    else:
        interval = timedelta(minutes=item.practice.callback_interval_minutes)
        change.quiet("attempt_text_sent_at", now)
        change.set("next_attempt_due_at", item.practice.calendar().add(now, interval))
        change.quiet("attempt_handled_at", None)
        change.note("reached_out_by", "text" if texted else "letter")
    return change.save(code=EventCode.ATTEMPTS_EXHAUSTED, actor=None, now=now)


@transaction.atomic
def item_repair_loop(*, item_id: int, now: datetime) -> SupportItem | None:
    """The safety net: an open item found with no next deadline gets one — now — so it shows
    as a broken promise and the usual reminders and escalation follow. Nothing in the
    lifecycle leaves an item so; this records it if something ever does."""
    if not SupportItem.objects.filter(NO_DEADLINE, pk=item_id).exists():
        return None
    item = locked(item_id, None)
    change = Change(item)
    set_promise(change, item, now)
    return change.save(code=EventCode.LOOP_REPAIRED, actor=None, now=now)
