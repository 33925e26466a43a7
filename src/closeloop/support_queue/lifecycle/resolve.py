"""Closing the loop: resolving (only when the patient has the next step), answering on the
spot, closing and reopening."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.security.permissions import may_not_decide
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    business_minutes,
    locked,
    promise,
    require_open,
    require_text,
    set_promise,
    update_resolution_clock,
    wall_minutes,
)
from closeloop.support_queue.lifecycle.contacts import item_log_contact
from closeloop.support_queue.lifecycle.rules import LIVE_CHANNELS, NEXT_UPDATE
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    Status,
    SupportItem,
)


def patient_has_next_step(item: SupportItem) -> bool:
    """A logged contact gave the patient the current next step (after it last changed)."""
    return bool(
        item.next_step.strip()
        and item.next_step_given_at
        and item.next_step_changed_at
        and item.next_step_given_at >= item.next_step_changed_at
    )


def _require_resolvable(item: SupportItem, actor: Actor, outcome: str, recovery: str) -> None:
    """Resolve only when the patient has the next step; a complaint only after a supervisor's
    callback, with the recovery action written down."""
    if refused := may_not_decide(actor, item):
        raise LifecycleError(*refused)
    missing = []
    if not outcome.strip():
        missing.append("outcome")
    if not patient_has_next_step(item):
        missing.append("a logged contact giving the patient the next step")
    if item.is_complaint:
        if item.supervisor_callback_at is None:
            missing.append("a supervisor's logged callback to the patient")
        if not recovery.strip():
            missing.append("the recovery action (what we did to make it right)")
    if missing:
        raise LifecycleError(
            "not_resolvable",
            "Cannot resolve yet. Missing: " + "; ".join(missing) + ".",
            missing=missing,
        )


@transaction.atomic
def item_resolve(
    *,
    item: SupportItem,
    actor: Actor,
    outcome: str,
    told_patient: bool = False,
    patient_confirmed: bool = False,
    recovery_action: str = "",
) -> SupportItem:
    """Resolve: the patient has the next step (a complaint: after a supervisor's callback,
    with the recovery action). Every deadline of the open item ends here.

    ``told_patient``: staff resolve while still talking to the patient, so the contact in which
    the next step was given is logged first, in the same transaction as the resolution.
    """
    now = timezone.now()
    item = locked(item, actor)
    if told_patient:
        live = item.channel in LIVE_CHANNELS
        item = item_log_contact(
            item=item,
            actor=actor,
            direction=Direction.INBOUND if live else Direction.OUTBOUND,
            channel=item.channel if live else Channel.PHONE,
            outcome=ContactOutcome.REACHED,
            gave_next_step=True,
            resolving=True,
        )
    change = Change(item)
    change.status(Status.RESOLVED)
    _require_resolvable(item, actor, outcome, recovery_action)
    change.set("outcome", outcome.strip())
    if recovery_action.strip():
        change.set("recovery_action", recovery_action.strip())
    change.set("waiting_on", "")
    update_resolution_clock(change, item, now)
    change.set("resolved_at", now)
    change.quiet("resolution_minutes", business_minutes(item.practice, item.first_contact_at, now))
    change.quiet("resolution_wall_minutes", wall_minutes(item.first_contact_at, now))
    change.set("outcome_confirmed_at", now if patient_confirmed else None)
    set_promise(change, item, None)
    change.set("handoff_due_at", None)
    change.set("next_attempt_due_at", None)
    return change.save(code=EventCode.RESOLVED, actor=actor, now=now)


@transaction.atomic
def item_answer(
    *, item: SupportItem, actor: Actor, answer: str, channel: str | None = None
) -> SupportItem:
    """A question answered there and then, on the call or at the desk ("what is your fax
    number?"): the answer is the next step the patient was given, the contact is logged, and
    the item is resolved, in one action. Only what staff may decide (not a clinical question
    for non-clinical staff), and never a complaint (it needs a supervisor's callback)."""
    now = timezone.now()
    answer = require_text(answer, "the answer you gave")
    item = locked(item, actor)
    require_open(item)
    channel = channel or item.channel  # the contact's channel (a repeat call on a text's item)
    if channel not in LIVE_CHANNELS:
        raise LifecycleError(
            "not_live",
            "Only a question asked on a call or at the desk is answered on the spot; reply to "
            "this one with a message or a call.",
        )
    if refused := may_not_decide(actor, item):
        raise LifecycleError(*refused)
    if item.is_complaint:
        raise LifecycleError(
            "complaint_needs_callback",
            "A complaint is resolved after a supervisor's callback and a recovery action.",
        )
    change = Change(item)
    change.set("next_step", answer)
    change.quiet("next_step_changed_at", now)
    item = change.save(code=EventCode.UPDATE_WINDOW, actor=actor, now=now)
    item = item_log_contact(
        item=item, actor=actor, direction=Direction.INBOUND, channel=channel,
        outcome=ContactOutcome.REACHED, gave_next_step=True, resolving=True,
    )  # fmt: skip
    return item_resolve(item=item, actor=actor, outcome=answer)


@transaction.atomic
def item_close(*, item: SupportItem, actor: Actor) -> SupportItem:
    now = timezone.now()
    item = locked(item, actor)
    change = Change(item)
    change.status(Status.CLOSED)
    change.set("closed_at", now)
    return change.save(code=EventCode.CLOSED, actor=actor, now=now)


@transaction.atomic
def item_reopen(
    *,
    item: SupportItem,
    actor: Actor,
    reason: str,
    next_update_at: datetime | None = None,
    after_hours_reason: str = "",
) -> SupportItem:
    """Back to work (e.g. the patient called again). The patient is owed an answer: by
    ``next_update_at`` when staff say so, else within the category's first-response target.
    Only a resolved or closed item: an open one has nothing to reopen (a reopening on its
    timeline would count it open twice)."""
    now = timezone.now()
    item = locked(item, actor)
    if item.is_open:
        raise LifecycleError("item_not_resolved", "The item is still open: nothing to reopen.")
    reason = require_text(reason, "why the item is reopened")
    change = Change(item)
    change.status(Status.ACKNOWLEDGED)
    # A merged item reopened is its own item again (its texts and status link work, and a
    # second merge is recorded as one: "merged into" on its event).
    for field in ("resolved_at", "closed_at", "outcome_confirmed_at", "merged_into"):
        change.set(field, None)
    change.quiet("resolution_minutes", None)
    change.quiet("resolution_wall_minutes", None)
    if next_update_at is None:
        next_update_at = item.practice.calendar().add(now, item.category.first_response_target)
    promise(change, item, next_update_at, now, NEXT_UPDATE, after_hours_reason=after_hours_reason)
    change.set("outcome", "")
    return change.save(code=EventCode.REOPENED, actor=actor, now=now, text=reason)
