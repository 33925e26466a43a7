"""The machinery every item change shares: the locked row, the collected change, the timeline
event (with its outbound webhooks), the promise and the clocks. Used by ``lifecycle`` (staff
and intake) and ``deadlines`` (the sweep); nothing else writes items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Model, Q

from closeloop.core.types import Actor
from closeloop.lib import textnorm
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Practice
from closeloop.support_queue import outbox
from closeloop.support_queue.models import (
    OPEN_STATUSES,
    EventCode,
    ReceiptHow,
    Status,
    SupportItem,
    TimelineEvent,
    WaitingOn,
)

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


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


class Change:
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
        related = ("owner", "patient", "appointment", "merged_into", "handed_off_by")
        attname = f"{field}_id" if field in related else field
        old = getattr(self.item, attname)
        new = value.pk if isinstance(value, Model) else value
        if old == new:
            return
        self.values[field] = {"old": jsonable(old), "new": jsonable(new)}
        setattr(self.item, field, value)

    def quiet(self, field: str, value: Any) -> None:
        """Bookkeeping (deadline claims, derived columns): saved, not shown on the timeline."""
        setattr(self.item, field, value)

    def note(self, key: str, value: Any) -> None:
        """A fact about the event that is not a column (a contact's details, a message id)."""
        self.values[key] = {"old": None, "new": value}

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
        # The row is locked (``locked``): the version goes up with this one event.
        self.item.version += 1
        self.item.save()
        record_event(self.item, code=code, actor=actor, now=now, changes=self.values, text=text)
        return self.item


class NewEvent(NamedTuple):
    """A timeline event to write: at its item's version, or at ``version`` (an earlier one, for
    the events of an item written with several changes at once)."""

    item: SupportItem
    code: str
    changes: dict[str, Any]
    text: str = ""
    version: int | None = None


def record_events(
    events: Sequence[NewEvent], *, actor: Actor, now: datetime
) -> list[TimelineEvent]:
    """The events, in one insert (a new item's creation and routing; a sweep's batch)."""
    rows = TimelineEvent.objects.bulk_create(
        TimelineEvent(
            item=event.item, practice_id=event.item.practice_id, at=now, code=event.code,
            actor=actor, changes=event.changes, text=event.text,
            version=event.item.version if event.version is None else event.version,
        )
        for event in events
    )  # fmt: skip
    # Outbound webhooks are queued in this same transaction: no event without its delivery.
    for row in rows:
        outbox.event_recorded(row)
    return rows


def record_event(
    item: SupportItem,
    *,
    code: str,
    actor: Actor,
    now: datetime,
    changes: dict[str, Any] | None = None,
    text: str = "",
    version: int | None = None,
) -> TimelineEvent:
    """One event (see ``NewEvent``)."""
    event = NewEvent(item, code, changes or {}, text, version)
    return record_events([event], actor=actor, now=now)[0]


def locked(item: SupportItem | int, actor: Actor) -> SupportItem:
    """The current row, locked for this transaction, if the actor may touch it.

    The tenant filter is part of the locking query itself: one round trip, and no window in
    which the item could be read for an actor who does not serve its practice.
    """
    pk = item if isinstance(item, int) else item.pk
    items = SupportItem.objects.all() if actor is None else SupportItem.objects.for_user(actor)
    try:
        row = (
            items.select_for_update(of=("self",)).select_related("category", "practice").get(pk=pk)
        )
    except SupportItem.DoesNotExist:
        raise LifecycleError("not_permitted", "You do not serve this item's practice.") from None
    # The caller's practice already built its business calendar (hours, holidays): the locked
    # row's copy of the same practice uses it instead of reading the holidays again.
    known = item._state.fields_cache.get("practice") if isinstance(item, SupportItem) else None
    if known is not None and known.pk == row.practice_id and "_calendar" in known.__dict__:
        row.practice.__dict__["_calendar"] = known.__dict__["_calendar"]
    return row


def set_promise(change: Change, item: SupportItem, update_at: datetime | None) -> None:
    """A new promise (or none): the deadline work of the old one no longer applies."""
    change.set("promised_update_at", update_at)
    escalate_at = None
    if update_at is not None:
        grace = timedelta(minutes=item.practice.promise_grace_minutes)
        # Urgent symptoms run on the clock at any hour; everything else on business time.
        escalate_at = (
            update_at + grace if item.red_flag else item.practice.calendar().add(update_at, grace)
        )
    change.quiet("promise_escalate_at", escalate_at)
    change.quiet("promise_reminded_at", None)
    change.quiet("promise_escalated_at", None)


#: How far ahead a promise to a patient may be. A promise that never comes due switches off the
#: loop's broken-promise escalation (a year-2999 typo would hide an item for ever). The longest
#: waits a practice promises an update across are prior authorisations and referrals (weeks);
#: 90 days covers them and a long specialist wait, and the practice can still promise again.
PROMISE_HORIZON = timedelta(days=90)

#: Said when a promise falls outside business hours: the one way to keep it anyway.
AFTER_HOURS = "why after hours is fine"
AFTER_HOURS_MAX = 500
#: Letters or digits (any script) a reason needs once invisible characters are gone.
AFTER_HOURS_MIN_LETTERS = 3


def check_promise(
    item: SupportItem, when: datetime | None, now: datetime, what: str, reason: str = ""
) -> tuple[datetime, str]:
    """The one rule for a promise someone makes to a patient, whichever door it came through
    (the page, the API, bulk, a message): in the future, and within the practice's business
    hours unless the person says why after hours is fine. Returns the time and the reason to
    put on the timeline ("" when none is needed); refuses with ``LifecycleError`` otherwise.

    Urgent symptoms run on the clock at any hour (the red-flag minutes, escalated on the wall
    clock by ``set_promise``): a promise on a red-flag item is never an after-hours exception.
    Not further ahead than ``PROMISE_HORIZON``: a promise that never comes due is never
    escalated. (Impossible years are refused earlier, where the doors parse them: ``lib.dates``.)
    Refusals state the time as staff read it, with its date (and year when not this one)."""
    when = require_future(when, now, what)
    if when > now + PROMISE_HORIZON:
        raise LifecycleError(
            "promise_too_far",
            f"{for_staff(item.practice, when)} is more than {PROMISE_HORIZON.days} days ahead: "
            "promise a time the practice will come back to, and promise again then.",
            missing=[what],
        )
    reason = textnorm.visible(reason or "")
    if item.red_flag or item.practice.calendar().within_hours(when):
        return when, ""
    outside = f"{for_staff(item.practice, when)} is outside business hours"
    if not reason:
        raise LifecycleError(
            "after_hours_reason_required",
            f"{outside}: choose a time when the practice is open, or say {AFTER_HOURS}.",
            missing=[AFTER_HOURS],
        )
    # A zero-width space or a full stop fills the field and says nothing.
    if textnorm.letter_count(reason) < AFTER_HOURS_MIN_LETTERS:
        raise LifecycleError(
            "after_hours_reason_required",
            f"{outside}: say {AFTER_HOURS} in words (at least "
            f"{AFTER_HOURS_MIN_LETTERS} letters), or choose a time when the practice is open.",
            missing=[AFTER_HOURS],
        )
    return when, reason[:AFTER_HOURS_MAX]


def promise(
    change: Change,
    item: SupportItem,
    when: datetime | None,
    now: datetime,
    what: str,
    *,
    after_hours_reason: str = "",
) -> None:
    """Set a promise made to the patient (``check_promise``), the after-hours reason on the
    timeline with it."""
    when, reason = check_promise(item, when, now, what, after_hours_reason)
    if reason:
        change.note("after_hours_reason", reason)
    set_promise(change, item, when)


def business_minutes(practice: Practice, start: datetime, end: datetime) -> int:
    return int(practice.calendar().between(start, end).total_seconds() // 60)


def wall_minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def first_response(change: Change, item: SupportItem, now: datetime, how: str) -> None:
    """The first response, how it was made, and how long it took in the practice's business
    time and on the wall clock (stored so the metrics aggregate columns instead of replaying
    calendars)."""
    change.set("first_response_at", now)
    change.set("acknowledged_how", how)
    change.quiet(
        "first_response_minutes", business_minutes(item.practice, item.first_contact_at, now)
    )
    change.quiet("first_response_wall_minutes", wall_minutes(item.first_contact_at, now))


#: The timeline note of a receipt confirmed by a person: how, and when.
RECEIPT = "receipt"


def receipt_confirmed(change: Change, item: SupportItem, at: datetime, how: str) -> None:
    """Receipt confirmed to the patient. By a person: the first response, if none was made yet.
    By an automatic reply: recorded as one (``auto_replied_at``), never as the first response —
    the metric reads ``first_response_at`` and the first-response deadline stays open until a
    person responds."""
    if how != ReceiptHow.AUTOMATIC:
        # Every receipt by a person is on the timeline, the first or not: if the first
        # response turns out never to have reached the patient, the next one takes its place
        # (``first_response_withdrawn``).
        change.note(RECEIPT, {"how": how, "at": at.isoformat()})
        if item.first_response_at is None:
            first_response(change, item, at, how)
        return
    if item.auto_replied_at is None:
        change.set("auto_replied_at", at)
    if item.first_response_at is None:
        change.set("acknowledged_how", how)


def first_human_contact(
    events: Iterable[tuple[datetime, int | None, dict[str, Any]]], channel: str
) -> tuple[datetime, str] | None:
    """The first response read from a timeline (``events``: at, actor id, changes, in time
    order), by the rule ``receipt_confirmed`` applies as it happens: the first receipt
    confirmed by a person, never an automatic reply. A receipt note says when and how; on a
    timeline written before receipts were noted, the first patient contact a person made (an
    event by a member of staff that set ``last_patient_contact_at``), how from the contact's
    or message's channel, else the item's (``channel``). None: no person has responded."""
    for _at, actor_id, changes in events:
        receipt = (changes.get(RECEIPT) or {}).get("new")
        if receipt:
            if receipt["how"] != ReceiptHow.AUTOMATIC:
                return datetime.fromisoformat(receipt["at"]), receipt["how"]
            continue
        contact = (changes.get("last_patient_contact_at") or {}).get("new")
        if actor_id is not None and contact:
            said = changes.get("contact") or changes.get("message") or {}
            return datetime.fromisoformat(contact), receipt_how(
                (said.get("new") or {}).get("channel") or channel
            )
    return None


def automatic_reply_withdrawn(change: Change, item: SupportItem) -> None:
    """The automatic reply never reached the patient (cancelled before it left, or failed): it
    is not counted as one."""
    if item.auto_replied_at is not None:
        change.set("auto_replied_at", None)
        if item.first_response_at is None:
            change.set("acknowledged_how", "")


def first_response_withdrawn(change: Change, item: SupportItem, message_id: int) -> bool:
    """A person's message never reached the patient (cancelled before it left, or failed): if
    it was the first response, the next receipt by a person that did (a call logged after it)
    is the first response instead; with none, the first response is withdrawn — the item is
    unanswered (new again if that message was all that acknowledged it) and the sweep's
    first-response deadline applies again. True when the first response was withdrawn."""
    if item.first_response_at is None:
        return False
    events = list(
        TimelineEvent.objects.filter(item=item)
        .filter(
            Q(changes__has_key=RECEIPT)
            | Q(code__in=(EventCode.MESSAGE_FAILED, EventCode.MESSAGE_CANCELLED))
        )
        .order_by("version")
    )
    undelivered = {message_id} | {
        event.changes["message"]["new"]["id"]
        for event in events
        if event.code in (EventCode.MESSAGE_FAILED, EventCode.MESSAGE_CANCELLED)
    }
    receipts = [
        (
            datetime.fromisoformat(event.changes[RECEIPT]["new"]["at"]),
            event.changes[RECEIPT]["new"]["how"],
            event.changes.get("message", {}).get("new", {}).get("id") in undelivered,
        )
        for event in events
        if RECEIPT in event.changes
    ]
    if not any(gone and at == item.first_response_at for at, _how, gone in receipts):
        return False  # the first response was not an undelivered message
    delivered = sorted((at, how) for at, how, gone in receipts if not gone)
    if delivered:
        first_response(change, item, *delivered[0])
        return False
    change.set("first_response_at", None)
    change.set("acknowledged_how", ReceiptHow.AUTOMATIC if item.auto_replied_at else "")
    change.quiet("first_response_minutes", None)
    change.quiet("first_response_wall_minutes", None)
    # The deadline is due again (the sweep takes items with no first response and no claim).
    change.quiet("first_response_alerted_at", None)
    if item.status == Status.ACKNOWLEDGED:
        # Not a transition anyone makes: the acknowledgement itself is undone.
        change.set("status", Status.NEW)
    return True


def receipt_how(channel: str) -> str:
    """How a contact on ``channel`` confirms receipt."""
    return {
        "phone": ReceiptHow.CALL,
        "in_person": ReceiptHow.IN_PERSON,
        "sms": ReceiptHow.TEXT,
        "email": ReceiptHow.EMAIL,
        "voicemail": ReceiptHow.VOICEMAIL,
    }.get(channel, ReceiptHow.CALL)


def pauses_resolution(status: str, waiting_on: str) -> bool:
    return status == Status.WAITING and waiting_on not in ("", WaitingOn.PATIENT)


def update_resolution_clock(change: Change, item: SupportItem, now: datetime) -> None:
    """Waiting on someone other than the patient stops the resolution clock; resuming
    moves the resolution target by the business time spent waiting."""
    paused = pauses_resolution(item.status, item.waiting_on)
    if paused and item.resolution_paused_at is None:
        change.quiet("resolution_paused_at", now)
    elif not paused and item.resolution_paused_at is not None:
        waited = item.practice.calendar().between(item.resolution_paused_at, now)
        change.set("resolution_due_at", item.resolution_due_at + waited)
        change.quiet("resolution_paused_at", None)
        change.quiet("resolution_alerted_at", None)


def require_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise LifecycleError("missing_field", f"Write {what}.", missing=[what])
    return text


def require_open(item: SupportItem) -> None:
    if item.status not in OPEN_STATUSES:
        raise LifecycleError(
            "item_not_open", f"The item is {Status(item.status).label.lower()}; reopen it first."
        )


def require_future(when: datetime | None, now: datetime, what: str) -> datetime:
    if when is None:
        raise LifecycleError("missing_field", f"Choose {what}.", missing=[what])
    if when <= now:
        raise LifecycleError(
            "promise_in_past", f"{what[0].upper()}{what[1:]} must be in the future.",
            missing=[what],
        )  # fmt: skip
    return when
