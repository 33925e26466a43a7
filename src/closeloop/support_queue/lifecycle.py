"""The support-item lifecycle: the only code that changes an item (the sweep's deadline work
is in ``deadlines``, built on the same ``item_writes``).

Every service here is keyword-only, runs in one transaction with the item row locked, refuses a
change the loop-closing rules forbid (``LifecycleError`` naming what is missing) and writes one
timeline event with the acting user (``None`` = the system) and old/new values as codes.

The loop holds because of four rules kept here, whichever door a change comes through:

* **The promise.** Every open item has a next deadline someone owns: a first response still
  due (new), else a promised update time. A contact that reaches the patient renews the
  promise (``next_update_at``); nothing erases one while the item is open.
  ``loop_invariant`` checks it.
* **A handoff is a transfer.** Routing to a named colleague moves the item to them with an
  acceptance deadline and an alert; the promise carries over and the item stays open.
* **Complete means complete.** Resolving needs a logged contact that gave the patient the
  current next step; complaints also a supervisor's callback and the recovery action.
* **Attempts are not contacts.** A call that does not reach the patient keeps nothing: the
  promise stands and the practice's callback policy sets the next attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.choices import Team, Urgency
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import LANGUAGE_CODE_RE, Category, Practice
from closeloop.practices.selectors import user_serves
from closeloop.security.permissions import Perm, has_perm, may_not_decide
from closeloop.support_queue import colleague_requests, eligibility
from closeloop.support_queue.alerts import notify, supervisors_of
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    NewEvent,
    automatic_reply_withdrawn,
    business_minutes,
    can_transition,
    first_response_withdrawn,
    locked,
    promise,
    receipt_confirmed,
    receipt_how,
    record_events,
    require_open,
    require_text,
    set_promise,
    update_resolution_clock,
    wall_minutes,
)
from closeloop.support_queue.models import (
    ATTEMPT_OUTCOMES,
    CONTACT_OUTCOMES,
    OPEN_STATUSES,
    AlertKind,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    ReceiptHow,
    StaffAlert,
    Status,
    SupportItem,
    WaitingOn,
)

__all__ = ["LifecycleError", "can_transition"]

#: Channels where the patient is with us (on the line, at the desk) while staff work the item.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})
#: What the renewed promise is called in messages to staff.
NEXT_UPDATE = "when the patient hears from us next"

# Contacts later than this are refused as clock errors rather than stored.
MAX_CLOCK_SKEW = timedelta(minutes=5)


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


# --- the rules ---------------------------------------------------------------------------------


def _check_receiver(user: Any, item: SupportItem, team: str) -> None:
    """``user`` may receive ``item`` on ``team``: the one rule of every door
    (``eligibility.receiver_refusal``)."""
    refused = eligibility.receiver_refusal(user, item, team=team)
    if refused is not None:
        raise LifecycleError(refused.code, refused.message)


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


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    practice: Practice,
    category: Category,
    channel: str,
    actor: Actor,
    summary: str,
    details: str = "",
    patient: Patient | None = None,
    caller_name: str = "",
    callback_number: str = "",
    contact_email: str = "",
    urgency: str | None = None,
    language: str | None = None,
    contact_at: datetime | None = None,
    patient_candidates: Sequence[int] = (),
    inbound_id: int | None = None,
    red_flag: bool = False,
    suggestion: dict[str, Any] | None = None,
    assign: Callable[[SupportItem], Assignment] | None = None,
) -> SupportItem:
    """File a new item. The first response is recorded when staff acknowledge it.

    ``assign``: routing's choice for the new item (called with the item before it is stored),
    applied as ``item_assign`` would apply it, with the same timeline event, but written in
    the same insert: a new item is not read back and updated to be routed.

    ``patient_candidates``: patients an inbound number matched when it matched several (staff
    pick one with ``item_link_patient``). ``inbound_id``: the raw inbound record, referenced
    from the timeline. ``suggestion``: what triage suggested, kept beside what was chosen so the
    rules can be improved from the differences.
    """
    now = timezone.now()
    if actor is not None and not user_serves(actor, practice.pk):
        raise LifecycleError("not_permitted", "You do not serve this practice.")
    if category.practice_id != practice.pk or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if patient is not None and patient.practice_id != practice.pk:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    if channel not in Channel.values:
        raise LifecycleError("bad_channel", f"Unknown channel {channel!r}.")
    if patient is None and not (callback_number or contact_email) and channel != Channel.INTERNAL:
        raise LifecycleError(
            "missing_field", "Choose the patient or record a callback number.", missing=["patient"]
        )
    if callback_number:
        try:
            callback_number = normalize_phone(callback_number)
        except PhoneError as exc:
            raise LifecycleError("bad_callback_number", f"Callback number: {exc}.") from None
    contact_at = contact_at or now
    if contact_at > now + MAX_CLOCK_SKEW:
        raise LifecycleError("contact_in_future", "The contact time is in the future.")
    calendar = practice.calendar()
    item = SupportItem(
        practice=practice,
        patient=patient,
        caller_name=caller_name.strip(),
        callback_number=callback_number,
        contact_email=contact_email.strip(),
        channel=channel,
        category=category,
        urgency=urgency or category.default_urgency,
        language=language or (patient.preferred_language if patient else "en"),
        patient_candidates=list(patient_candidates),
        status=Status.NEW,
        red_flag=red_flag,
        team=Team.CLINICAL if red_flag else category.default_team,
        summary=require_text(summary, "what the patient needs"),
        details=details.strip(),
        first_contact_at=contact_at,
        first_response_due_at=(
            red_flag_due(practice, contact_at)
            if red_flag
            else calendar.add(contact_at, category.first_response_target)
        ),
        last_patient_contact_at=contact_at,
        resolution_due_at=calendar.add(contact_at, category.resolution_target),
        created_by=actor,
        created_at=now,
        updated_at=now,
        version=1,
    )
    routed, handed_to, reason = None, None, ""
    if assign is not None:
        planned = assign(item)
        routed, reason = Change(item), planned.reason
        handed_to = _assignment(routed, item, actor, planned.owner, planned.team, now)
        item.version = 2  # the routing is the item's second event
    item.intake_team = item.team
    item.save(force_insert=True)
    changes: dict[str, Any] = {
        "status": {"old": None, "new": item.status},
        "channel": {"old": None, "new": channel},
        "category": {"old": None, "new": category.code},
        "urgency": {"old": None, "new": item.urgency},
    }
    if inbound_id is not None:
        changes["inbound"] = {"old": None, "new": inbound_id}
    if red_flag:
        changes["red_flag"] = {"old": None, "new": True}
    if suggestion is not None:
        changes["suggestion"] = {"old": None, "new": suggestion}
    events = [NewEvent(item, EventCode.CREATED, changes, version=1)]
    if routed is not None:
        events.append(NewEvent(item, _assigned_code(handed_to), routed.values, reason.strip(), 2))
    record_events(events, actor=actor, now=now)
    _alert_handoff(handed_to, item, actor)
    return item


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
    if direction not in Direction.values or channel not in Channel.values:
        raise LifecycleError("bad_contact", "Choose the direction and channel of the contact.")
    if outcome not in CONTACT_OUTCOMES:
        raise LifecycleError(
            "bad_contact",
            "A contact reached the patient (or left a voicemail with the update); log a call "
            "that did not as an attempt.",
        )
    change = Change(item)
    if gave_next_step:
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


@transaction.atomic
def item_assign(
    *,
    item: SupportItem,
    actor: Actor,
    owner: User | None,
    team: str,
    reason: str = "",
    alert: bool = True,
) -> SupportItem:
    """Route to a team, and to a named person on it (``owner=None``: the team's queue).

    Routing to a colleague is a handoff: they own it now, must accept it within the category's
    acceptance target (else it escalates like a broken promise), and are alerted; the patient's
    promise carries over and the item stays open until its owner gives the patient the next
    step. Taking an item yourself, and the system's automatic assignment, are not handoffs.
    ``reason`` explains an automatic decision (or the handoff) on the timeline. With
    ``alert=False`` the caller alerts the new owner itself (one alert for a shift's items).
    """
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    change = Change(item)
    handed_to = _assignment(change, item, actor, owner, team, now)
    item = change.save(code=_assigned_code(handed_to), actor=actor, now=now, text=reason.strip())
    if alert:
        _alert_handoff(handed_to, item, actor)
    return item


@dataclass(frozen=True)
class Assignment:
    """Routing's choice for an item: its team, and the person on it (None: the team queue)."""

    owner: User | None
    team: str
    reason: str


def _assignment(
    change: Change, item: SupportItem, actor: Actor, owner: User | None, team: str, now: datetime
) -> User | None:
    """The rules of an assignment, collected on ``change``; the colleague it is handed to."""
    if team not in Team.values:
        raise LifecycleError("bad_team", f"Unknown team {team!r}.")
    if item.is_clinical and team != Team.CLINICAL:
        raise LifecycleError(
            "clinical_only",
            "Clinical items stay with the clinical team; if it was filed under the wrong "
            "category, change the category.",
        )
    if owner is not None:
        _check_receiver(owner, item, team)
    change.set("team", team)
    change.set("owner", owner)
    handed_to = owner if actor is not None and owner is not None and owner != actor else None
    if handed_to is not None:
        target = item.category.handoff_accept_target
        change.set("handed_off_at", now)
        change.set("handed_off_by", actor)
        change.set("handoff_due_at", item.practice.calendar().add(now, target))
        change.quiet("handoff_escalated_at", None)
    elif item.handoff_due_at is not None:
        # Taken back, or sent to the team queue: nobody has a handoff to accept.
        change.set("handoff_due_at", None)
    return handed_to


def _assigned_code(handed_to: User | None) -> str:
    return EventCode.HANDED_OFF if handed_to is not None else EventCode.ASSIGNED


def _alert_handoff(handed_to: User | None, item: SupportItem, actor: Actor) -> None:
    """The colleague an item was handed to hears of it."""
    if handed_to is not None:
        notify([handed_to], item, AlertKind.HANDOFF, sender=actor)


@transaction.atomic
def item_accept(*, item: SupportItem, actor: Actor) -> SupportItem:
    """The new owner accepts a handoff: the item is theirs to close the loop on."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if item.handoff_due_at is None:
        raise LifecycleError("no_handoff", "There is no handoff to accept on this item.")
    if actor is None or actor.pk != item.owner_id:
        raise LifecycleError("not_the_owner", "Only the person it was handed to can accept it.")
    change = Change(item)
    change.set("handoff_due_at", None)
    return change.save(code=EventCode.HANDOFF_ACCEPTED, actor=actor, now=now)


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
    for field in ("resolved_at", "closed_at", "outcome_confirmed_at"):
        change.set(field, None)
    change.quiet("resolution_minutes", None)
    change.quiet("resolution_wall_minutes", None)
    if next_update_at is None:
        next_update_at = item.practice.calendar().add(now, item.category.first_response_target)
    promise(change, item, next_update_at, now, NEXT_UPDATE, after_hours_reason=after_hours_reason)
    change.set("outcome", "")
    return change.save(code=EventCode.REOPENED, actor=actor, now=now, text=reason)


@transaction.atomic
def item_merge(*, item: SupportItem, actor: Actor, into: SupportItem) -> SupportItem:
    """The same need filed twice: ``item`` joins ``into`` and is closed as merged.

    Both rows stay (timelines are append-only): ``into``'s timeline shows the merged item's
    events beside its own, counts the duplicate as a repeat contact, and both timelines say
    what happened. Returns ``into``.
    """
    now = timezone.now()
    if item.pk == into.pk:
        raise LifecycleError("bad_merge", "An item cannot be merged into itself.")
    # Both rows locked, in id order, so two opposite merges cannot deadlock.
    first, second = sorted((item, into), key=lambda i: i.pk)
    rows = {i.pk: i for i in (locked(first, actor), locked(second, actor))}
    item, into = rows[item.pk], rows[into.pk]
    require_open(item)
    require_open(into)
    if item.patient_id is None or item.patient_id != into.patient_id:
        raise LifecycleError("bad_merge", "Only two items of the same patient can be merged.")
    change = Change(item)
    # Closed from any open status: the one way an open item closes without being resolved.
    change.set("status", Status.CLOSED)
    change.set("closed_at", now)
    change.set("merged_into", into)
    change.set("outcome", f"Merged into #{into.pk}")
    set_promise(change, item, None)
    change.set("handoff_due_at", None)
    change.set("next_attempt_due_at", None)
    change.save(code=EventCode.MERGED, actor=actor, now=now)
    target = Change(into)
    target.set("repeat_contact_count", into.repeat_contact_count + item.repeat_contact_count + 1)
    latest = max(
        filter(None, [into.last_patient_contact_at, item.last_patient_contact_at]), default=None
    )
    target.set("last_patient_contact_at", latest)
    target.note("merged", item.pk)
    return target.save(code=EventCode.MERGED, actor=actor, now=now)


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


@transaction.atomic
def item_link_patient(*, item: SupportItem, actor: Actor, patient: Patient) -> SupportItem:
    """Say which patient an inbound contact came from (after an ambiguous match)."""
    now = timezone.now()
    item = locked(item, actor)
    if patient.practice_id != item.practice_id:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    change = Change(item)
    change.set("patient", patient)
    change.set("patient_candidates", [])
    return change.save(code=EventCode.PATIENT_LINKED, actor=actor, now=now)


def red_flag_due(practice: Practice, reported_at: datetime) -> datetime:
    """Urgent symptoms are answered within the practice's minutes, on the clock, at any hour."""
    return reported_at + timedelta(minutes=practice.red_flag_response_minutes)


@transaction.atomic
def item_flag_red(*, item: SupportItem, actor: Actor, groups: Sequence[str]) -> SupportItem:
    """Urgent symptoms reported on an existing item: an emergency, the clinical team's now,
    answered within the practice's red-flag minutes (the first response if none was made yet,
    else the next update)."""
    now = timezone.now()
    item = locked(item, actor)
    change = Change(item)
    change.set("red_flag", True)
    change.set("urgency", Urgency.EMERGENCY)
    if item.team != Team.CLINICAL:
        change.set("team", Team.CLINICAL)
        change.set("owner", None)
    due = red_flag_due(item.practice, now)
    if item.first_response_at is None:
        if due < item.first_response_due_at:
            change.set("first_response_due_at", due)
            change.quiet("first_response_alerted_at", None)
    elif item.promised_update_at is None or due < item.promised_update_at:
        set_promise(change, item, due)
    change.note("groups", list(groups))
    return change.save(code=EventCode.RED_FLAG, actor=actor, now=now)


@transaction.atomic
def item_record_alerted(
    *, item: SupportItem, users: Sequence[User], how: str, why: str
) -> SupportItem:
    """Who was alerted about urgent symptoms, how and why (on call, on duty): on the timeline."""
    now = timezone.now()
    item = locked(item, None)
    names = ", ".join(u.get_full_name() or u.get_username() for u in users) or "nobody"
    change = Change(item)
    change.note("alerted", [u.pk for u in users])
    return change.save(
        code=EventCode.STAFF_ALERTED, actor=None, now=now, text=f"{why}: {names}, {how}."
    )


@transaction.atomic
def item_categorize(
    *, item: SupportItem, actor: Actor, category: Category, urgency: str, language: str
) -> SupportItem:
    """Change what the item is about (e.g. correcting a suggestion); the team follows the
    category unless a red flag keeps it clinical."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if category.practice_id != item.practice_id or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if urgency not in Urgency.values:
        raise LifecycleError("bad_urgency", f"Unknown urgency {urgency!r}.")
    if not LANGUAGE_CODE_RE.match(language):
        raise LifecycleError("bad_language", "Use an ISO 639 code such as en or es.")
    change = Change(item)
    change.set("category", category)
    change.set("urgency", urgency)
    change.set("language", language)
    team = Team.CLINICAL if item.red_flag else category.default_team
    if team != item.team:
        change.set("team", team)
        change.set("owner", None)
    _set_appointment_due(change, item)
    return change.save(code=EventCode.CATEGORIZED, actor=actor, now=now)


# --- appointments ------------------------------------------------------------------------------


def appointment_due(item: SupportItem) -> datetime | None:
    """When a telehealth-access item must be done: the practice's margin before its linked,
    still-booked appointment. Other items (and past or cancelled visits) have no such time."""
    appointment = item.appointment
    if appointment is None or item.category.code != TELEHEALTH_CATEGORY:
        return None
    if not appointment.is_active:
        return None
    return appointment.start - timedelta(minutes=item.practice.telehealth_margin_minutes)


def _set_appointment_due(change: Change, item: SupportItem) -> None:
    due = appointment_due(item)
    if due != item.appointment_due_at:
        change.set("appointment_due_at", due)
        change.quiet("appointment_alerted_at", None)


@transaction.atomic
def item_link_appointment(
    *, item: SupportItem, actor: Actor, appointment: Any, automatic: bool = False
) -> SupportItem:
    """Say which visit the item is about; a telehealth item becomes due before it.
    ``automatic``: intake linked it (the patient's upcoming video visit), not a person."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if appointment.practice_id != item.practice_id:
        raise LifecycleError("bad_appointment", "The appointment belongs to another practice.")
    if item.patient_id is not None and appointment.patient_id != item.patient_id:
        raise LifecycleError("bad_appointment", "That appointment is another patient's.")
    change = Change(item)
    change.set("appointment", appointment)
    _set_appointment_due(change, item)
    if automatic:
        change.note("automatic", True)
    return change.save(code=EventCode.APPOINTMENT_LINKED, actor=actor, now=now)


@transaction.atomic
def item_unlink_appointment(*, item: SupportItem, actor: Actor) -> SupportItem:
    """The item is not about the visit it was linked to (e.g. linked automatically at intake):
    unlinked, it has no before-the-visit deadline and leaves the telehealth metric."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if item.appointment_id is None:
        raise LifecycleError("not_linked", "The item is not linked to a visit.")
    change = Change(item)
    change.set("appointment", None)
    _set_appointment_due(change, item)
    return change.save(code=EventCode.APPOINTMENT_UNLINKED, actor=actor, now=now)


def items_follow_appointment(appointment: Any) -> int:
    """The EHR moved or cancelled a visit: open items linked to it get their new due time."""
    now = timezone.now()
    moved = 0
    linked = SupportItem.objects.filter(appointment=appointment, status__in=OPEN_STATUSES)
    for item in linked.select_for_update(of=("self",)).select_related("category", "practice"):
        item.appointment = appointment
        change = Change(item)
        _set_appointment_due(change, item)
        if change.values:
            change.values["appointment_status"] = {"old": None, "new": appointment.status}
            change.save(code=EventCode.APPOINTMENT_CHANGED, actor=None, now=now)
            moved += 1
    return moved


# --- messages to the patient -------------------------------------------------------------------


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
