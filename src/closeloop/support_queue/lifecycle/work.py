"""Working an open item: notes, the update window, starting, waiting and escalating."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.support_queue import colleague_requests
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    promise,
    require_open,
    require_text,
    update_resolution_clock,
)
from closeloop.support_queue.lifecycle.rules import _accept_if_owner
from closeloop.support_queue.models import (
    EventCode,
    Status,
    SupportItem,
    WaitingOn,
)


@transaction.atomic
def item_add_note(*, item: SupportItem, actor: Actor, text: str) -> SupportItem:
    now = timezone.now()
    item = locked(item, actor)
    note = require_text(text, "the note")
    item = Change(item).save(code=EventCode.NOTE, actor=actor, now=now, text=note)
    # "@maria can you check?" alerts María (if she may read this item).
    colleague_requests.notify_mentions(item, actor, note)
    return item


@transaction.atomic
def item_record_links_revoked(
    *, item: SupportItem, actor: Actor, count: int, reason: str
) -> SupportItem:
    """Staff turned off the item's status links (``messaging.status_links.links_revoke``): how many,
    and why, on the timeline."""
    now = timezone.now()
    item = locked(item, actor)
    change = Change(item)
    change.note("status_links_revoked", count)
    return change.save(
        code=EventCode.STATUS_LINKS_REVOKED, actor=actor, now=now, text=require_text(reason, "why")
    )


@transaction.atomic
def item_set_update_window(
    *,
    item: SupportItem,
    actor: Actor,
    checking: str,
    next_step: str,
    update_at: datetime,
    after_hours_reason: str = "",
) -> SupportItem:
    """Tell the patient what we are checking, the next step, and when they will hear from us
    (outside business hours only with ``after_hours_reason``)."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    checking = require_text(checking, "what we are checking")
    next_step = require_text(next_step, "the next step")
    change = Change(item)
    change.set("checking", checking)
    if next_step != item.next_step:
        change.set("next_step", next_step)
        change.set("next_step_changed_at", now)
    promise(
        change, item, update_at, now, "the promised update time",
        after_hours_reason=after_hours_reason,
    )  # fmt: skip
    _accept_if_owner(change, item, actor, now)
    return change.save(code=EventCode.UPDATE_WINDOW, actor=actor, now=now)


def _require_ready_to_work(item: SupportItem, now: datetime) -> None:
    """In progress or waiting: an owner, what we are checking, and a promise still ahead."""
    missing = []
    if item.owner_id is None:
        missing.append("owner")
    if not item.checking.strip():
        missing.append("what we are checking")
    if item.promised_update_at is None or item.promised_update_at <= now:
        missing.append("a promised update time in the future")
    if missing:
        raise LifecycleError(
            "not_ready",
            "Before working this item, set: " + ", ".join(missing) + ".",
            missing=missing,
        )


@transaction.atomic
def item_start(*, item: SupportItem, actor: Actor) -> SupportItem:
    now = timezone.now()
    item = locked(item, actor)
    change = Change(item)
    change.status(Status.IN_PROGRESS)
    _require_ready_to_work(item, now)
    change.set("waiting_on", "")
    update_resolution_clock(change, item, now)
    _accept_if_owner(change, item, actor, now)
    return change.save(code=EventCode.STARTED, actor=actor, now=now)


@transaction.atomic
def item_wait(*, item: SupportItem, actor: Actor, waiting_on: str) -> SupportItem:
    """Wait on the patient, another office, an insurer or a provider; the promise still holds."""
    now = timezone.now()
    item = locked(item, actor)
    if waiting_on not in WaitingOn.values:
        raise LifecycleError(
            "bad_waiting_on", "Choose who we are waiting on.", missing=["waiting on"]
        )
    change = Change(item)
    change.status(Status.WAITING)
    _require_ready_to_work(item, now)
    change.set("waiting_on", waiting_on)
    update_resolution_clock(change, item, now)
    _accept_if_owner(change, item, actor, now)
    return change.save(code=EventCode.WAITING, actor=actor, now=now)


@transaction.atomic
def item_escalate(*, item: SupportItem, actor: Actor, reason: str) -> SupportItem:
    now = timezone.now()
    item = locked(item, actor)
    if item.status == Status.CLOSED:
        raise LifecycleError("item_not_open", "The item is closed; reopen it first.")
    if item.escalated:
        raise LifecycleError("already_escalated", "The item is already escalated.")
    change = Change(item)
    change.set("escalated", True)
    change.set("escalated_at", now)
    change.set("escalation_reason", require_text(reason, "the reason for escalating"))
    return change.save(code=EventCode.ESCALATED, actor=actor, now=now)
