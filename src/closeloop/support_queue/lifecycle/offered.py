"""The actions worth offering for an item in its current state."""

from __future__ import annotations

from closeloop.support_queue.item_writes import (
    can_transition,
)
from closeloop.support_queue.lifecycle.rules import LIVE_CHANNELS
from closeloop.support_queue.models import (
    OPEN_STATUSES,
    Status,
    SupportItem,
)


def available_actions(item: SupportItem, *, open_requests: bool | None = None) -> set[str]:
    """The actions worth offering for an item in its current state.

    Offering is not permitting: the services still check every rule when an action is taken.
    ``open_requests``: whether colleagues' questions about it await an answer, when the caller
    already knows (None: asked here).
    """
    status = item.status
    actions = {"note", "contact", "message"}
    if item.practice.status_links:
        actions.add("revoke_links")  # messages about the item carry links
    if status in OPEN_STATUSES:
        actions |= {"update_window", "assign", "categorize", "attempt", "ask"}
        if open_requests is None:
            open_requests = item.requests.filter(answered_at__isnull=True).exists()
        if open_requests:
            actions.add("answer_request")
    if status == Status.NEW:
        actions.add("acknowledge")
    if status in (Status.NEW, Status.ACKNOWLEDGED) and item.channel in LIVE_CHANNELS:
        actions.add("answer")
    targets = {
        "start": Status.IN_PROGRESS,
        "wait": Status.WAITING,
        "resolve": Status.RESOLVED,
        "close": Status.CLOSED,
    }
    actions |= {name for name, target in targets.items() if can_transition(status, target)}
    if status in (Status.RESOLVED, Status.CLOSED):
        actions.add("reopen")
        # Whatever the patient said of the outcome (docs/messages.md).
        if item.patient_id is not None:
            actions.add("review")
    if status != Status.CLOSED and not item.escalated:
        actions.add("escalate")
    if item.patient_candidates:
        actions.add("link_patient")
    if status in OPEN_STATUSES and item.patient_id is not None:
        actions |= {"link_appointment", "merge"}
    if status in OPEN_STATUSES and item.appointment_id is not None:
        actions.add("unlink_appointment")
    if item.handoff_due_at is not None and status in OPEN_STATUSES:
        actions.add("accept")
    if status == Status.IN_PROGRESS:
        actions.discard("start")
    return actions
