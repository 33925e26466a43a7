"""The rules several lifecycle services share: which channels are live, how a contact renews
the promise, who may receive an item, and a red flag's deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from closeloop.core.types import Actor, User
from closeloop.practices.models import Practice
from closeloop.support_queue import eligibility
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    promise,
    receipt_confirmed,
)
from closeloop.support_queue.models import (
    Channel,
    ReceiptHow,
    Status,
    SupportItem,
)

#: Channels where the patient is with us (on the line, at the desk) while staff work the item.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})


#: What the renewed promise is called in messages to staff.
NEXT_UPDATE = "when the patient hears from us next"


# Contacts later than this are refused as clock errors rather than stored.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def _accept_if_owner(change: Change, item: SupportItem, actor: Actor, now: datetime) -> None:
    """The new owner taking the item up (a contact, a plan, starting work) accepts a handoff."""
    if item.handoff_due_at is not None and actor is not None and actor.pk == item.owner_id:
        change.set("handoff_due_at", None)
        change.note("handoff_accepted", True)


def _contact_renews(
    change: Change,
    item: SupportItem,
    *,
    now: datetime,
    how: str,
    next_update_at: datetime | None,
    required: bool,
    resolving: bool = False,
    after_hours_reason: str = "",
) -> None:
    """The patient heard from us: the first response if there was none, and the promise
    renewed (never erased). ``required``: the caller must say when the patient hears from us
    next (a new item has no promise to keep) — unless this contact is the one that resolves
    it (``resolving``: the item closes in the same transaction)."""
    if next_update_at is not None:
        promise(
            change, item, next_update_at, now, NEXT_UPDATE, after_hours_reason=after_hours_reason
        )
    elif required or (item.promised_update_at is None and not resolving):
        raise LifecycleError(
            "next_update_required",
            f"Say {NEXT_UPDATE} (the promise this contact renews).",
            missing=[NEXT_UPDATE],
        )
    receipt_confirmed(change, item, now, how)
    if how == ReceiptHow.AUTOMATIC:
        return  # the practice's automatic reply: no person has been in touch yet
    change.set("last_patient_contact_at", now)
    if item.status == Status.NEW:
        change.status(Status.ACKNOWLEDGED)
    if item.callback_attempts or item.next_attempt_due_at:
        change.set("callback_attempts", 0)
        change.set("next_attempt_due_at", None)
        change.quiet("attempt_text_sent_at", None)
        change.quiet("attempt_handled_at", None)


def _check_receiver(user: User, item: SupportItem, team: str) -> None:
    """``user`` may receive ``item`` on ``team``: the one rule of every door
    (``eligibility.receiver_refusal``)."""
    refused = eligibility.receiver_refusal(user, item, team=team)
    if refused is not None:
        raise LifecycleError(refused.code, refused.message)


def red_flag_due(practice: Practice, reported_at: datetime) -> datetime:
    """Urgent symptoms are answered within the practice's minutes, on the clock, at any hour."""
    return reported_at + timedelta(minutes=practice.red_flag_response_minutes)
