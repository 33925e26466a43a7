"""Filing a new item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.choices import Team
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import user_serves
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    NewEvent,
    record_events,
    require_text,
)
from closeloop.support_queue.lifecycle.assign import (
    Assignment,
    _alert_handoff,
    _assigned_code,
    _assignment,
)
from closeloop.support_queue.lifecycle.rules import MAX_CLOCK_SKEW, red_flag_due
from closeloop.support_queue.models import (
    Channel,
    EventCode,
    Status,
    SupportItem,
)


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
    _refuse_filing(
        practice=practice, category=category, channel=channel, actor=actor, patient=patient,
        reachable=bool(callback_number or contact_email),
    )  # fmt: skip
    item = _new_item(
        practice=practice, category=category, channel=channel, actor=actor, summary=summary,
        details=details, patient=patient, caller_name=caller_name,
        callback_number=_callback(callback_number), contact_email=contact_email,
        urgency=urgency, language=language, contact_at=_contact_time(contact_at, now),
        patient_candidates=patient_candidates, red_flag=red_flag, now=now,
    )  # fmt: skip
    events = [NewEvent(item, EventCode.CREATED, _created(item, inbound_id, suggestion), version=1)]
    handed_to = None
    if assign is not None:
        handed_to, routed = _routed(item, assign(item), actor, now)
        events.append(routed)
    item.intake_team = item.team
    item.save(force_insert=True)
    record_events(events, actor=actor, now=now)
    _alert_handoff(handed_to, item, actor)
    return item


def _refuse_filing(
    *,
    practice: Practice,
    category: Category,
    channel: str,
    actor: Actor,
    patient: Patient | None,
    reachable: bool,
) -> None:
    """A new item is filed by someone serving its practice, in one of its active categories,
    for one of its patients (or a caller we can reach back, unless it is internal work)."""
    if actor is not None and not user_serves(actor, practice.pk):
        raise LifecycleError("not_permitted", "You do not serve this practice.")
    if category.practice_id != practice.pk or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if patient is not None and patient.practice_id != practice.pk:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    if channel not in Channel.values:
        raise LifecycleError("bad_channel", f"Unknown channel {channel!r}.")
    if patient is None and not reachable and channel != Channel.INTERNAL:
        raise LifecycleError(
            "missing_field", "Choose the patient or record a callback number.", missing=["patient"]
        )


def _callback(number: str) -> str:
    if not number:
        return number
    try:
        return normalize_phone(number)
    except PhoneError as exc:
        raise LifecycleError("bad_callback_number", f"Callback number: {exc}.") from None


def _contact_time(contact_at: datetime | None, now: datetime) -> datetime:
    contact_at = contact_at or now
    if contact_at > now + MAX_CLOCK_SKEW:
        raise LifecycleError("contact_in_future", "The contact time is in the future.")
    return contact_at


def _new_item(
    *,
    practice: Practice,
    category: Category,
    channel: str,
    actor: Actor,
    summary: str,
    details: str,
    patient: Patient | None,
    caller_name: str,
    callback_number: str,
    contact_email: str,
    urgency: str | None,
    language: str | None,
    contact_at: datetime,
    patient_candidates: Sequence[int],
    red_flag: bool,
    now: datetime,
) -> SupportItem:
    """The new item's row, not yet stored: its category's team, urgency and clocks (urgent
    symptoms: the clinical team's, answered within the practice's red-flag minutes)."""
    calendar = practice.calendar()
    return SupportItem(
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


def _created(
    item: SupportItem, inbound_id: int | None, suggestion: dict[str, Any] | None
) -> dict[str, Any]:
    """The creation event's values."""
    changes: dict[str, Any] = {
        "status": {"old": None, "new": item.status},
        "channel": {"old": None, "new": item.channel},
        "category": {"old": None, "new": item.category.code},
        "urgency": {"old": None, "new": item.urgency},
    }
    if inbound_id is not None:
        changes["inbound"] = {"old": None, "new": inbound_id}
    if item.red_flag:
        changes["red_flag"] = {"old": None, "new": True}
    if suggestion is not None:
        changes["suggestion"] = {"old": None, "new": suggestion}
    return changes


def _routed(
    item: SupportItem, planned: Assignment, actor: Actor, now: datetime
) -> tuple[User | None, NewEvent]:
    """Routing's choice applied to the new item before its insert, as ``item_assign`` would
    apply it: the colleague it is handed to, and the routing event (the item's second)."""
    routed = Change(item)
    handed_to = _assignment(routed, item, actor, planned.owner, planned.team, now)
    item.version = 2
    code = _assigned_code(handed_to)
    return handed_to, NewEvent(item, code, routed.values, planned.reason.strip(), 2)
