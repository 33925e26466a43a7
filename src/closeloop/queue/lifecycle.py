"""The support-item lifecycle: the only code that changes an item.

Every service here is keyword-only, runs in one transaction with the item row locked, refuses a
change the loop-closing rules forbid (``LifecycleError`` naming what is missing) and writes one
timeline event with the acting user (``None`` = the system) and old/new values as codes.

The allowed status changes are the one table ``TRANSITIONS``; the loop-closing checks are
``_require_ready_to_work`` and ``_require_resolvable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.choices import Team, Urgency
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import LANGUAGE_CODE_RE, Category, Practice
from closeloop.practices.selectors import staff_profile, user_serves
from closeloop.queue import outbox
from closeloop.queue.models import (
    OPEN_STATUSES,
    AlertKind,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    StaffAlert,
    Status,
    SupportItem,
    TimelineEvent,
    WaitingOn,
)
from closeloop.security.permissions import may_not_decide

#: Channels where the patient is with us (on the line, at the desk) while staff work the item.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})

# Contacts later than this are refused as clock errors rather than stored.
MAX_CLOCK_SKEW = timedelta(minutes=5)

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}
    ),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.ACKNOWLEDGED}),
    Status.CLOSED: frozenset({Status.ACKNOWLEDGED}),
}


class LifecycleError(Exception):
    """A refused change. ``code`` is stable; ``message`` is for the person who tried."""

    def __init__(self, code: str, message: str, *, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.missing = list(missing)


def can_transition(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, frozenset())


def available_actions(item: SupportItem) -> set[str]:
    """The actions worth offering for an item in its current state.

    Offering is not permitting: the services still check every rule when an action is taken.
    """
    status = item.status
    actions = {"note", "contact", "message"}
    if status in OPEN_STATUSES:
        actions |= {"update_window", "assign", "categorize"}
    if status == Status.NEW:
        actions.add("acknowledge")
    targets = {
        "start": Status.IN_PROGRESS,
        "wait": Status.WAITING,
        "resolve": Status.RESOLVED,
        "close": Status.CLOSED,
    }
    actions |= {name for name, target in targets.items() if can_transition(status, target)}
    if status in (Status.RESOLVED, Status.CLOSED):
        actions.add("reopen")
        if item.outcome_confirmed_at is not None and item.patient_id is not None:
            actions.add("review")
    if status != Status.CLOSED and not item.escalated:
        actions.add("escalate")
    if item.patient_candidates:
        actions.add("link_patient")
    if status in OPEN_STATUSES and item.patient_id is not None:
        actions |= {"link_appointment", "merge"}
    if status == Status.IN_PROGRESS:
        actions.discard("start")
    return actions


# --- helpers -----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


class _Change:
    """Collects field changes on one item for the save and the timeline event."""

    def __init__(self, item: SupportItem) -> None:
        self.item = item
        self.values: dict[str, dict[str, Any]] = {}

    def set(self, field: str, value: Any) -> None:
        if field == "category":
            # Categories are recorded by their code, like every other value on the timeline.
            old_code, new_code = self.item.category.code, value.code
            if old_code != new_code:
                self.values[field] = {"old": old_code, "new": new_code}
                self.item.category = value
            return
        attname = f"{field}_id" if field in ("owner", "patient", "appointment") else field
        old = getattr(self.item, attname)
        new = value.pk if isinstance(value, Model) else value
        if old == new:
            return
        self.values[field] = {"old": _jsonable(old), "new": _jsonable(new)}
        setattr(self.item, field, value)

    def quiet(self, field: str, value: Any) -> None:
        """Bookkeeping (deadline claims, derived columns): saved, not shown on the timeline."""
        setattr(self.item, field, value)

    def status(self, new: str) -> None:
        if not can_transition(self.item.status, new):
            raise LifecycleError(
                "transition_not_allowed",
                f"An item that is {Status(self.item.status).label.lower()} cannot become "
                f"{Status(new).label.lower()}.",
            )
        self.set("status", new)

    def save(self, *, code: str, actor: Actor, now: datetime, text: str = "") -> SupportItem:
        self.item.updated_at = now
        self.item.save()
        _record(self.item, code=code, actor=actor, now=now, changes=self.values, text=text)
        return self.item


def _record(
    item: SupportItem,
    *,
    code: str,
    actor: Actor,
    now: datetime,
    changes: dict[str, Any] | None = None,
    text: str = "",
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        item=item,
        practice_id=item.practice_id,
        at=now,
        code=code,
        actor=actor,
        changes=changes or {},
        text=text,
    )
    # Outbound webhooks are queued in this same transaction: no event without its delivery.
    outbox.event_recorded(event)
    return event


def _locked(item: SupportItem, actor: Actor) -> SupportItem:
    """The current row, locked for this transaction, if the actor may touch it.

    The tenant filter is part of the locking query itself: one round trip, and no window in
    which the item could be read for an actor who does not serve its practice.
    """
    items = SupportItem.objects.all() if actor is None else SupportItem.objects.for_user(actor)
    try:
        return (
            items.select_for_update(of=("self",))
            .select_related("category", "practice")
            .get(pk=item.pk)
        )
    except SupportItem.DoesNotExist:
        raise LifecycleError("not_permitted", "You do not serve this item's practice.") from None


def _set_promise(change: _Change, item: SupportItem, update_at: datetime | None) -> None:
    """A new promise (or none): the deadline work of the old one no longer applies."""
    change.set("promised_update_at", update_at)
    escalate_at = None
    if update_at is not None:
        grace = timedelta(minutes=item.practice.promise_grace_minutes)
        escalate_at = item.practice.calendar().add(update_at, grace)
    change.quiet("promise_escalate_at", escalate_at)
    change.quiet("promise_reminded_at", None)
    change.quiet("promise_escalated_at", None)


def _business_minutes(practice: Practice, start: datetime, end: datetime) -> int:
    return int(practice.calendar().between(start, end).total_seconds() // 60)


def _first_response(change: _Change, item: SupportItem, now: datetime) -> None:
    """The first response, and how long it took in the practice's business time (stored so
    the metrics aggregate a column instead of replaying calendars)."""
    change.set("first_response_at", now)
    change.quiet(
        "first_response_minutes", _business_minutes(item.practice, item.first_contact_at, now)
    )


def _pauses_resolution(status: str, waiting_on: str) -> bool:
    return status == Status.WAITING and waiting_on not in ("", WaitingOn.PATIENT)


def _update_resolution_clock(change: _Change, item: SupportItem, now: datetime) -> None:
    """Waiting on someone other than the patient stops the resolution clock; resuming
    moves the resolution target by the business time spent waiting."""
    paused = _pauses_resolution(item.status, item.waiting_on)
    if paused and item.resolution_paused_at is None:
        change.quiet("resolution_paused_at", now)
    elif not paused and item.resolution_paused_at is not None:
        waited = item.practice.calendar().between(item.resolution_paused_at, now)
        change.set("resolution_due_at", item.resolution_due_at + waited)
        change.quiet("resolution_paused_at", None)
        change.quiet("resolution_alerted_at", None)


def _require_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise LifecycleError("missing_field", f"Write {what}.", missing=[what])
    return text


def _require_open(item: SupportItem) -> None:
    if item.status not in OPEN_STATUSES:
        raise LifecycleError(
            "item_not_open", f"The item is {Status(item.status).label.lower()}; reopen it first."
        )


def _check_member(user: Any, item: SupportItem, team: str, *, skill: str = "") -> None:
    """``user`` serves the item's practice, is active and is on ``team`` (with ``skill``)."""
    profile = staff_profile(user)
    name = user.get_username() if user is not None else "nobody"
    if profile is None or not user.is_active or not user_serves(user, item.practice_id):
        raise LifecycleError("owner_not_eligible", f"{name} does not serve this practice.")
    if not profile.on_team(team):
        raise LifecycleError(
            "owner_not_eligible", f"{name} is not on the {Team(team).label.lower()} team."
        )
    if skill and not profile.has_skill(skill):
        raise LifecycleError("owner_not_eligible", f"{name} does not have the {skill} skill.")


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


def _require_resolvable(item: SupportItem, actor: Actor, outcome: str, handed_off_to: Any) -> None:
    """Resolve only when the patient has the next step or a named owner on the right team has it."""
    if refused := may_not_decide(actor, item):
        raise LifecycleError(*refused)
    missing = []
    if not outcome.strip():
        missing.append("outcome")
    patient_has_next_step = bool(
        item.next_step.strip()
        and item.next_step_given_at
        and item.next_step_changed_at
        and item.next_step_given_at >= item.next_step_changed_at
    )
    if handed_off_to is None and not patient_has_next_step:
        missing.append(
            "a logged contact giving the patient the next step, or a handoff to a named owner"
        )
    if missing:
        raise LifecycleError(
            "not_resolvable",
            "Cannot resolve yet. Missing: " + "; ".join(missing) + ".",
            missing=missing,
        )
    if handed_off_to is not None:
        _check_member(
            handed_off_to, item, item.category.default_team, skill=item.category.default_skill
        )


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
) -> SupportItem:
    """File a new item. The first response is recorded when staff acknowledge it.

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
    item = SupportItem.objects.create(
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
        summary=_require_text(summary, "what the patient needs"),
        details=details.strip(),
        first_contact_at=contact_at,
        first_response_due_at=calendar.add(contact_at, category.first_response_target),
        last_patient_contact_at=contact_at,
        resolution_due_at=calendar.add(contact_at, category.resolution_target),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
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
    _record(item, code=EventCode.CREATED, actor=actor, now=now, changes=changes)
    return item


@transaction.atomic
def item_acknowledge(*, item: SupportItem, actor: Actor) -> SupportItem:
    """Confirm to the patient that the request was received (the first response)."""
    now = timezone.now()
    item = _locked(item, actor)
    change = _Change(item)
    change.status(Status.ACKNOWLEDGED)
    if item.first_response_at is None:
        _first_response(change, item, now)
    return change.save(code=EventCode.ACKNOWLEDGED, actor=actor, now=now)


@transaction.atomic
def item_add_note(*, item: SupportItem, actor: Actor, text: str) -> SupportItem:
    now = timezone.now()
    item = _locked(item, actor)
    note = _require_text(text, "the note")
    return _Change(item).save(code=EventCode.NOTE, actor=actor, now=now, text=note)


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
) -> SupportItem:
    """Record a call, message or visit with the patient and what came of it."""
    now = timezone.now()
    item = _locked(item, actor)
    if direction not in Direction.values or channel not in Channel.values:
        raise LifecycleError("bad_contact", "Choose the direction and channel of the contact.")
    if outcome not in ContactOutcome.values:
        raise LifecycleError("bad_contact", "Choose what came of the contact.")
    change = _Change(item)
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
    if outcome in (ContactOutcome.REACHED, ContactOutcome.VOICEMAIL_LEFT):
        change.set("last_patient_contact_at", now)
        if item.promised_update_at is not None:
            # The patient heard from us: the promise is kept (late or not). The next one is
            # made with the next update window.
            _set_promise(change, item, None)
        if item.first_response_at is None and (
            direction == Direction.OUTBOUND or outcome == ContactOutcome.REACHED
        ):
            _first_response(change, item, now)
    change.values["contact"] = {
        "old": None,
        "new": {
            "direction": direction,
            "channel": channel,
            "outcome": outcome,
            "gave_next_step": gave_next_step,
        },
    }
    return change.save(code=EventCode.CONTACT, actor=actor, now=now, text=note.strip())


@transaction.atomic
def item_set_update_window(
    *, item: SupportItem, actor: Actor, checking: str, next_step: str, update_at: datetime
) -> SupportItem:
    """Tell the patient what we are checking, the next step, and when they will hear from us."""
    now = timezone.now()
    item = _locked(item, actor)
    _require_open(item)
    checking = _require_text(checking, "what we are checking")
    next_step = _require_text(next_step, "the next step")
    if update_at <= now:
        raise LifecycleError(
            "promise_in_past",
            "The promised update time must be in the future.",
            missing=["a promised update time in the future"],
        )
    change = _Change(item)
    change.set("checking", checking)
    if next_step != item.next_step:
        change.set("next_step", next_step)
        change.set("next_step_changed_at", now)
    _set_promise(change, item, update_at)
    return change.save(code=EventCode.UPDATE_WINDOW, actor=actor, now=now)


@transaction.atomic
def item_assign(
    *, item: SupportItem, actor: Actor, owner: User | None, team: str, reason: str = ""
) -> SupportItem:
    """Route to a team, and to a named person on it (``owner=None`` leaves it unassigned).

    ``reason`` explains an automatic decision on the timeline.
    """
    now = timezone.now()
    item = _locked(item, actor)
    _require_open(item)
    if team not in Team.values:
        raise LifecycleError("bad_team", f"Unknown team {team!r}.")
    if item.is_clinical and team != Team.CLINICAL:
        raise LifecycleError(
            "clinical_only",
            "Clinical items stay with the clinical team; if it was filed under the wrong "
            "category, change the category.",
        )
    if owner is not None:
        _check_member(owner, item, team)
    change = _Change(item)
    change.set("team", team)
    change.set("owner", owner)
    return change.save(code=EventCode.ASSIGNED, actor=actor, now=now, text=reason)


@transaction.atomic
def item_start(*, item: SupportItem, actor: Actor) -> SupportItem:
    now = timezone.now()
    item = _locked(item, actor)
    change = _Change(item)
    change.status(Status.IN_PROGRESS)
    _require_ready_to_work(item, now)
    change.set("waiting_on", "")
    _update_resolution_clock(change, item, now)
    return change.save(code=EventCode.STARTED, actor=actor, now=now)


@transaction.atomic
def item_wait(*, item: SupportItem, actor: Actor, waiting_on: str) -> SupportItem:
    """Wait on the patient, another office, an insurer or a provider; the promise still holds."""
    now = timezone.now()
    item = _locked(item, actor)
    if waiting_on not in WaitingOn.values:
        raise LifecycleError(
            "bad_waiting_on", "Choose who we are waiting on.", missing=["waiting on"]
        )
    change = _Change(item)
    change.status(Status.WAITING)
    _require_ready_to_work(item, now)
    change.set("waiting_on", waiting_on)
    _update_resolution_clock(change, item, now)
    return change.save(code=EventCode.WAITING, actor=actor, now=now)


@transaction.atomic
def item_escalate(*, item: SupportItem, actor: Actor, reason: str) -> SupportItem:
    now = timezone.now()
    item = _locked(item, actor)
    if item.status == Status.CLOSED:
        raise LifecycleError("item_not_open", "The item is closed; reopen it first.")
    if item.escalated:
        raise LifecycleError("already_escalated", "The item is already escalated.")
    change = _Change(item)
    change.set("escalated", True)
    change.set("escalated_at", now)
    change.set("escalation_reason", _require_text(reason, "the reason for escalating"))
    return change.save(code=EventCode.ESCALATED, actor=actor, now=now)


@transaction.atomic
def item_resolve(
    *,
    item: SupportItem,
    actor: Actor,
    outcome: str,
    told_patient: bool = False,
    handed_off_to: User | None = None,
    patient_confirmed: bool = False,
) -> SupportItem:
    """Resolve: the patient has the next step, or a named owner on the right team has the item.

    ``told_patient``: staff resolve while still talking to the patient, so the contact in which
    the next step was given is logged first, in the same transaction as the resolution.
    """
    now = timezone.now()
    item = _locked(item, actor)
    if told_patient:
        live = item.channel in LIVE_CHANNELS
        item = item_log_contact(
            item=item,
            actor=actor,
            direction=Direction.INBOUND if live else Direction.OUTBOUND,
            channel=item.channel if live else Channel.PHONE,
            outcome=ContactOutcome.REACHED,
            gave_next_step=True,
        )
    change = _Change(item)
    change.status(Status.RESOLVED)
    _require_resolvable(item, actor, outcome, handed_off_to)
    if handed_off_to is not None:
        change.set("team", item.category.default_team)
        change.set("owner", handed_off_to)
    change.set("outcome", outcome.strip())
    change.set("waiting_on", "")
    _update_resolution_clock(change, item, now)
    change.set("resolved_at", now)
    change.quiet("resolution_minutes", _business_minutes(item.practice, item.first_contact_at, now))
    change.set("outcome_confirmed_at", now if patient_confirmed else None)
    return change.save(code=EventCode.RESOLVED, actor=actor, now=now)


@transaction.atomic
def item_close(*, item: SupportItem, actor: Actor) -> SupportItem:
    now = timezone.now()
    item = _locked(item, actor)
    change = _Change(item)
    change.status(Status.CLOSED)
    change.set("closed_at", now)
    return change.save(code=EventCode.CLOSED, actor=actor, now=now)


@transaction.atomic
def item_reopen(*, item: SupportItem, actor: Actor, reason: str) -> SupportItem:
    """Back to work (e.g. the patient called again); a new promise must be made."""
    now = timezone.now()
    item = _locked(item, actor)
    reason = _require_text(reason, "why the item is reopened")
    change = _Change(item)
    change.status(Status.ACKNOWLEDGED)
    for field in ("resolved_at", "closed_at", "outcome_confirmed_at"):
        change.set(field, None)
    change.quiet("resolution_minutes", None)
    _set_promise(change, item, None)
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
    locked = {i.pk: i for i in (_locked(first, actor), _locked(second, actor))}
    item, into = locked[item.pk], locked[into.pk]
    _require_open(item)
    _require_open(into)
    if item.patient_id is None or item.patient_id != into.patient_id:
        raise LifecycleError("bad_merge", "Only two items of the same patient can be merged.")
    change = _Change(item)
    # Closed from any open status: the one way an open item closes without being resolved.
    change.set("status", Status.CLOSED)
    change.set("closed_at", now)
    change.set("merged_into", into)
    change.set("outcome", f"Merged into #{into.pk}")
    change.save(code=EventCode.MERGED, actor=actor, now=now)
    target = _Change(into)
    target.set("repeat_contact_count", into.repeat_contact_count + item.repeat_contact_count + 1)
    latest = max(
        filter(None, [into.last_patient_contact_at, item.last_patient_contact_at]), default=None
    )
    target.set("last_patient_contact_at", latest)
    target.values["merged"] = {"old": None, "new": item.pk}
    return target.save(code=EventCode.MERGED, actor=actor, now=now)


@transaction.atomic
def item_record_repeat_contact(
    *, item: SupportItem, actor: Actor, channel: str, text: str = "", inbound_id: int | None = None
) -> SupportItem:
    """The patient contacted us again about this open item: count it and alert the owner."""
    now = timezone.now()
    item = _locked(item, actor)
    _require_open(item)
    if channel not in Channel.values:
        raise LifecycleError("bad_channel", f"Unknown channel {channel!r}.")
    change = _Change(item)
    change.set("repeat_contact_count", item.repeat_contact_count + 1)
    change.set("last_patient_contact_at", now)
    change.values["contact"] = {
        "old": None,
        "new": {"direction": Direction.INBOUND, "channel": channel, "outcome": "received"},
    }
    if inbound_id is not None:
        change.values["inbound"] = {"old": None, "new": inbound_id}
    item = change.save(code=EventCode.REPEAT_CONTACT, actor=actor, now=now, text=text.strip())
    if item.owner_id is not None:
        StaffAlert.objects.create(
            user_id=item.owner_id, item=item, kind=AlertKind.REPEAT_CONTACT, created_at=now
        )
    return item


@transaction.atomic
def item_link_patient(*, item: SupportItem, actor: Actor, patient: Patient) -> SupportItem:
    """Say which patient an inbound contact came from (after an ambiguous match)."""
    now = timezone.now()
    item = _locked(item, actor)
    if patient.practice_id != item.practice_id:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    change = _Change(item)
    change.set("patient", patient)
    change.set("patient_candidates", [])
    return change.save(code=EventCode.PATIENT_LINKED, actor=actor, now=now)


@transaction.atomic
def item_flag_red(*, item: SupportItem, actor: Actor, groups: Sequence[str]) -> SupportItem:
    """Urgent symptoms reported on an existing item: emergency, and the clinical team's now."""
    now = timezone.now()
    item = _locked(item, actor)
    change = _Change(item)
    change.set("red_flag", True)
    change.set("urgency", Urgency.EMERGENCY)
    if item.team != Team.CLINICAL:
        change.set("team", Team.CLINICAL)
        change.set("owner", None)
    change.values["groups"] = {"old": None, "new": list(groups)}
    return change.save(code=EventCode.RED_FLAG, actor=actor, now=now)


@transaction.atomic
def item_categorize(
    *, item: SupportItem, actor: Actor, category: Category, urgency: str, language: str
) -> SupportItem:
    """Change what the item is about (e.g. correcting a suggestion); the team follows the
    category unless a red flag keeps it clinical."""
    now = timezone.now()
    item = _locked(item, actor)
    _require_open(item)
    if category.practice_id != item.practice_id or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if urgency not in Urgency.values:
        raise LifecycleError("bad_urgency", f"Unknown urgency {urgency!r}.")
    if not LANGUAGE_CODE_RE.match(language):
        raise LifecycleError("bad_language", "Use an ISO 639 code such as en or es.")
    change = _Change(item)
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


def _set_appointment_due(change: _Change, item: SupportItem) -> None:
    due = appointment_due(item)
    if due != item.appointment_due_at:
        change.set("appointment_due_at", due)
        change.quiet("appointment_alerted_at", None)


@transaction.atomic
def item_link_appointment(*, item: SupportItem, actor: Actor, appointment: Any) -> SupportItem:
    """Say which visit the item is about; a telehealth item becomes due before it."""
    now = timezone.now()
    item = _locked(item, actor)
    _require_open(item)
    if appointment.practice_id != item.practice_id:
        raise LifecycleError("bad_appointment", "The appointment belongs to another practice.")
    if item.patient_id is not None and appointment.patient_id != item.patient_id:
        raise LifecycleError("bad_appointment", "That appointment is another patient's.")
    change = _Change(item)
    change.set("appointment", appointment)
    _set_appointment_due(change, item)
    return change.save(code=EventCode.APPOINTMENT_LINKED, actor=actor, now=now)


def items_follow_appointment(appointment: Any) -> int:
    """The EHR moved or cancelled a visit: open items linked to it get their new due time."""
    now = timezone.now()
    moved = 0
    linked = SupportItem.objects.filter(appointment=appointment, status__in=OPEN_STATUSES)
    for item in linked.select_for_update(of=("self",)).select_related("category", "practice"):
        item.appointment = appointment
        change = _Change(item)
        _set_appointment_due(change, item)
        if change.values:
            change.values["appointment_status"] = {"old": None, "new": appointment.status}
            change.save(code=EventCode.APPOINTMENT_CHANGED, actor=None, now=now)
            moved += 1
    return moved


# --- deadline work (the follow-up sweep) --------------------------------------------------------

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
}

#: Deadlines that escalate the item to supervisors when they pass.
ESCALATING_DEADLINES: dict[str, str] = {
    "promise_escalation": "The promised update time passed without contact.",
    "before_appointment": "Still open shortly before the patient's appointment.",
}


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


@transaction.atomic
def item_claim_deadline(*, item_id: int, kind: str, now: datetime) -> SupportItem | None:
    """Record that a deadline passed, exactly once however many workers race for it.

    The conditional update is the claim: only the worker whose update changes the row goes on
    to write the timeline event (and, in the caller, to alert people) in this transaction.
    """
    claimed_field, due_field, code = DEADLINES[kind]
    due = SupportItem.objects.filter(pk=item_id, **deadline_conditions(kind, now))
    # Another worker's batch holds this row: leave it to them rather than queue behind them
    # (PostgreSQL). If their batch rolls back, the next sweep finds it due again.
    skip_locked = connection.features.has_select_for_update_skip_locked
    if skip_locked and not due.select_for_update(skip_locked=True).values_list("pk"):
        return None
    won = due.update(**{claimed_field: now})
    if not won:
        return None
    # The owner and their profile come along: the sweep alerts them next.
    item = SupportItem.objects.select_related("practice", "category", "owner", "owner__staff").get(
        pk=item_id
    )
    due = getattr(item, due_field)
    changes = {"due": {"old": None, "new": _jsonable(due)}}
    if kind in ESCALATING_DEADLINES and not item.escalated:
        changes["escalated"] = {"old": False, "new": True}
        item.escalated = True
        item.escalated_at = now
        item.escalation_reason = ESCALATING_DEADLINES[kind]
        item.save(update_fields=["escalated", "escalated_at", "escalation_reason"])
    _record(item, code=code, actor=None, now=now, changes=changes)
    return item


@transaction.atomic
def item_record_message(
    *, item: SupportItem, actor: Actor, channel: str, purpose: str, message_id: int, text: str
) -> SupportItem:
    """A message to the patient: it is on the timeline and counts as a patient contact (it
    keeps the promise; a closure message gives the current next step)."""
    now = timezone.now()
    item = _locked(item, actor)
    change = _Change(item)
    change.set("last_patient_contact_at", now)
    if item.first_response_at is None:
        _first_response(change, item, now)
    if item.promised_update_at is not None:
        _set_promise(change, item, None)
    if purpose == "closure" and item.next_step.strip():
        change.set("next_step_given_at", now)
    change.values["message"] = {
        "old": None,
        "new": {"id": message_id, "channel": channel, "purpose": purpose},
    }
    return change.save(code=EventCode.MESSAGE_SENT, actor=actor, now=now, text=text)
