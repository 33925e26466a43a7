"""The patient heard from us, or we tried: receipts, contacts, call attempts and repeat
contacts from the patient."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.security.permissions import Perm, has_perm
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    promise,
    receipt_confirmed,
    receipt_how,
    require_open,
)
from closeloop.support_queue.lifecycle.rules import NEXT_UPDATE, _accept_if_owner, _contact_renews
from closeloop.support_queue.models import (
    ATTEMPT_OUTCOMES,
    CONTACT_OUTCOMES,
    AlertKind,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    ReceiptHow,
    StaffAlert,
    Status,
    SupportItem,
)


@transaction.atomic
def item_acknowledge(
    *,
    item: SupportItem,
    actor: Actor,
    how: str,
    next_update_at: datetime,
    at: datetime | None = None,
    after_hours_reason: str = "",
) -> SupportItem:
    """Confirm to the patient that the request was received — how (a call, a text, an
    automatic reply…) — and when they will hear from us next. ``at``: when it happened (a live
    call logged as it is taken is acknowledged at the time of the call). Only an open item: a
    resolved or closed one is reopened (``item_reopen``), never moved back by a receipt (that
    left it acknowledged with its resolution kept and no reopening on the timeline)."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if how not in ReceiptHow.values:
        raise LifecycleError("bad_how", "Say how receipt was confirmed.", missing=["how"])
    at = min(at or now, now)
    change = Change(item)
    promise(change, item, next_update_at, now, NEXT_UPDATE, after_hours_reason=after_hours_reason)
    receipt_confirmed(change, item, max(at, item.first_contact_at), how)
    if how != ReceiptHow.AUTOMATIC:  # an automatic reply leaves a new item new
        change.status(Status.ACKNOWLEDGED)
        change.set("last_patient_contact_at", at)
    _accept_if_owner(change, item, actor, now)
    return change.save(code=EventCode.ACKNOWLEDGED, actor=actor, now=now)


@transaction.atomic
def item_log_contact(
    *,
    item: SupportItem,
    actor: Actor,
    direction: str,
    channel: str,
    outcome: str,
    note: str = "",
    gave_next_step: bool = False,
    next_update_at: datetime | None = None,
    resolving: bool = False,
    after_hours_reason: str = "",
) -> SupportItem:
    """A call, message or visit in which the patient heard from us, and what came of it.

    On an open item it renews the promise: ``next_update_at`` is required unless the same
    action resolves the item (``resolving``). A supervisor reaching a complainant is the
    callback a complaint's resolution needs.
    """
    now = timezone.now()
    item = locked(item, actor)
    _check_contact(direction, channel, outcome)
    change = Change(item)
    if gave_next_step:
        _require_next_step(item, outcome)
        change.set("next_step_given_at", now)
    if item.is_open:
        _contact_renews(
            change,
            item,
            now=now,
            how=receipt_how(channel),
            next_update_at=next_update_at,
            required=not resolving,
            resolving=resolving,
            after_hours_reason=after_hours_reason,
        )
        _accept_if_owner(change, item, actor, now)
    else:
        change.set("last_patient_contact_at", now)
    if (
        item.is_complaint
        and outcome == ContactOutcome.REACHED
        and actor is not None
        and has_perm(actor, Perm.COMPLAINTS)
    ):
        change.set("supervisor_callback_at", now)
    change.note(
        "contact",
        {
            "direction": direction,
            "channel": channel,
            "outcome": outcome,
            "gave_next_step": gave_next_step,
        },
    )
    return change.save(code=EventCode.CONTACT, actor=actor, now=now, text=note.strip())


def _check_contact(direction: str, channel: str, outcome: str) -> None:
    """A contact has a direction and a channel, and reached the patient (an attempt did not)."""
    if direction not in Direction.values or channel not in Channel.values:
        raise LifecycleError("bad_contact", "Choose the direction and channel of the contact.")
    if outcome not in CONTACT_OUTCOMES:
        raise LifecycleError(
            "bad_contact",
            "A contact reached the patient (or left a voicemail with the update); log a call "
            "that did not as an attempt.",
        )


def _require_next_step(item: SupportItem, outcome: str) -> None:
    """The next step is given only to a patient reached, and only once it is written."""
    if outcome != ContactOutcome.REACHED:
        raise LifecycleError(
            "next_step_not_given",
            "The next step can only be given when the patient was reached.",
        )
    if not item.next_step.strip():
        raise LifecycleError(
            "missing_field",
            "Write the next step before recording that it was given.",
            missing=["next step"],
        )


@transaction.atomic
def item_log_attempt(
    *, item: SupportItem, actor: Actor, channel: str, outcome: str, note: str = ""
) -> SupportItem:
    """A call that did not reach the patient: counted, and the practice's callback policy sets
    when the next attempt is due (after the last one the sweep sends a "we tried to reach you"
    text, then tells the supervisors). The promise stands: an attempt keeps nothing."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if outcome not in ATTEMPT_OUTCOMES or channel not in Channel.values:
        raise LifecycleError("bad_attempt", "Choose what came of the call attempt.")
    practice = item.practice
    attempts = item.callback_attempts + 1
    change = Change(item)
    change.set("callback_attempts", attempts)
    interval = timedelta(minutes=practice.callback_interval_minutes)
    # After the last attempt the next step (a text or a letter) is due at once.
    due = practice.calendar().add(now, interval) if attempts < practice.callback_attempts else now
    change.set("next_attempt_due_at", due)
    change.quiet("attempt_handled_at", None)
    change.note("attempt", {"channel": channel, "outcome": outcome, "number": attempts})
    return change.save(code=EventCode.ATTEMPT, actor=actor, now=now, text=note.strip())


@transaction.atomic
def item_record_repeat_contact(
    *,
    item: SupportItem,
    actor: Actor,
    channel: str,
    text: str = "",
    inbound_id: int | None = None,
    next_update_at: datetime | None = None,
    after_hours_reason: str = "",
) -> SupportItem:
    """The patient contacted us again about this open item: count it, keep what they said
    (``text``) and alert the owner. ``next_update_at``: on a live call, when the caller was
    told they hear from us next — the item's promise from now on (the call is a contact in
    which the patient heard from us)."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if channel not in Channel.values:
        raise LifecycleError("bad_channel", f"Unknown channel {channel!r}.")
    change = Change(item)
    change.set("repeat_contact_count", item.repeat_contact_count + 1)
    change.set("last_patient_contact_at", now)
    if next_update_at is not None:
        _contact_renews(
            change, item, now=now, how=receipt_how(channel), next_update_at=next_update_at,
            required=True, after_hours_reason=after_hours_reason,
        )  # fmt: skip
    change.note(
        "contact", {"direction": Direction.INBOUND, "channel": channel, "outcome": "received"}
    )
    if inbound_id is not None:
        change.note("inbound", inbound_id)
    item = change.save(code=EventCode.REPEAT_CONTACT, actor=actor, now=now, text=text.strip())
    if item.owner_id is not None and item.owner_id != getattr(actor, "pk", None):
        StaffAlert.objects.create(
            user_id=item.owner_id, item=item, kind=AlertKind.REPEAT_CONTACT, created_at=now
        )
    return item
