"""Messages to the patient as the item sees them: recorded, failed or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.support_queue.alerts import notify, supervisors_of
from closeloop.support_queue.item_writes import (
    Change,
    automatic_reply_withdrawn,
    first_response_withdrawn,
    locked,
    receipt_how,
    set_promise,
)
from closeloop.support_queue.lifecycle.rules import _accept_if_owner, _contact_renews
from closeloop.support_queue.models import (
    AlertKind,
    EventCode,
    ReceiptHow,
    SupportItem,
)


@dataclass(frozen=True)
class MessageRecorded:
    """What a message did to the item, kept on the message so a failure can undo it."""

    item: SupportItem
    promise_before: datetime | None
    promised: datetime | None
    first_response: bool


@transaction.atomic
def item_record_message(
    *,
    item: SupportItem,
    actor: Actor,
    channel: str,
    purpose: str,
    message_id: int,
    text: str,
    next_update_at: datetime | None = None,
    gives_next_step: bool = False,
    contact: bool = True,
    after_hours_reason: str = "",
) -> MessageRecorded:
    """A message to the patient: on the timeline, and a contact with the patient. On an open
    item it renews the promise with the time it quotes (``next_update_at``: chosen first, then
    rendered into the text); a closure message may leave a standing promise as it is.
    ``gives_next_step``: the text states the item's current next step. ``contact=False``: a
    one-way "please call us", which renews nothing."""
    now = timezone.now()
    item = locked(item, actor)
    before, responded = item.promised_update_at, item.first_response_at is None
    change = Change(item)
    if item.is_open and contact:
        how = ReceiptHow.AUTOMATIC if actor is None else receipt_how(channel)
        _contact_renews(
            change, item, now=now, how=how, next_update_at=next_update_at, required=False,
            after_hours_reason=after_hours_reason,
        )  # fmt: skip
        _accept_if_owner(change, item, actor, now)
    elif contact:
        change.set("last_patient_contact_at", now)
        if next_update_at is not None and after_hours_reason:
            # A closed item keeps no promise, but the text quoted an after-hours time: why.
            change.note("after_hours_reason", after_hours_reason)
    if gives_next_step and item.next_step.strip():
        change.set("next_step_given_at", now)
    change.note("message", {"id": message_id, "channel": channel, "purpose": purpose})
    item = change.save(code=EventCode.MESSAGE_SENT, actor=actor, now=now, text=text)
    return MessageRecorded(
        item=item,
        promise_before=before,
        promised=item.promised_update_at if next_update_at is not None else None,
        first_response=responded and item.first_response_at is not None,
    )


@transaction.atomic
def item_message_failed(
    *,
    item_id: int,
    message_id: int,
    channel: str,
    promised: datetime | None,
    promise_before: datetime | None,
    reason: str,
    automatic_reply: bool = False,
) -> SupportItem:
    """A message was not delivered: it kept no promise. If it set the current promise, the
    promise it replaced comes back (due now if that time has passed), so the loop is open and
    overdue rather than silently kept; if it was the first response, it is not (``_undelivered``);
    the owner (else the supervisors) is alerted. ``automatic_reply``: it was the practice's
    automatic reply, which is then not counted."""
    now = timezone.now()
    item = locked(item_id, None)
    change = Change(item)
    _undelivered(change, item, message_id, promised, promise_before, now, automatic_reply)
    change.note("message", {"id": message_id, "channel": channel, "error": reason[:200]})
    item = change.save(code=EventCode.MESSAGE_FAILED, actor=None, now=now)
    owner = item.owner if item.owner_id else None
    notify([owner] if owner else supervisors_of(item.practice), item, AlertKind.MESSAGE_FAILED)
    return item


def _undelivered(
    change: Change,
    item: SupportItem,
    message_id: int,
    promised: datetime | None,
    promise_before: datetime | None,
    now: datetime,
    automatic_reply: bool,
) -> None:
    """A message that never reached the patient counts for nothing it recorded: not as the
    automatic reply or the first response it was, and its promise is taken back if it is still
    the current one — the one it replaced comes back (due now if that time has passed; none on
    an item left unanswered, whose deadline is its first response)."""
    if automatic_reply:
        automatic_reply_withdrawn(change, item)
    else:
        first_response_withdrawn(change, item, message_id)
    if item.is_open and promised is not None and item.promised_update_at == promised:
        restored: datetime | None = now
        if promise_before is not None and promise_before > now:
            restored = promise_before
        elif promise_before is None and item.first_response_at is None:
            restored = None
        set_promise(change, item, restored)


@transaction.atomic
def item_message_cancelled(
    *,
    item_id: int,
    message_id: int,
    channel: str,
    purpose: str,
    promised: datetime | None,
    promise_before: datetime | None,
    code: str,
    reason: str,
    automatic_reply: bool = False,
) -> SupportItem:
    """A queued message was cancelled right before it would have left (no longer true, allowed
    or fresh): the timeline says why (``reason``; ``code`` is the stable one), what it recorded
    is withdrawn like an undelivered one's (its promise, the automatic reply or first response
    it was: ``_undelivered``), and
    while the item is open its owner (else the supervisors) is told the patient did not get
    it."""
    now = timezone.now()
    item = locked(item_id, None)
    change = Change(item)
    _undelivered(change, item, message_id, promised, promise_before, now, automatic_reply)
    change.note(
        "message", {"id": message_id, "channel": channel, "purpose": purpose, "reason": code}
    )
    item = change.save(code=EventCode.MESSAGE_CANCELLED, actor=None, now=now, text=reason)
    if item.is_open:
        owner = item.owner if item.owner_id else None
        notify([owner] if owner else supervisors_of(item.practice), item, AlertKind.MESSAGE_FAILED)
    return item
